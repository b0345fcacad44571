import { Controller, UseFilters, UsePipes } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { GrpcExceptionFilter, GrpcInputBoundaryPipe, withoutNulls } from '@tsuzuku/platform-grpc';
import { requestValidationPipe } from '@tsuzuku/platform-runtime';
import { parseMonth } from '../kpis/domain/month';
import { KpiQuery, MovementsQuery } from '../reports/dto/report-queries';
import { KpiService } from '../reports/kpi.service';
import { movementsOptionsOf, sliceOf } from '../reports/report-filter';

/** The service's name within its proto package (libs/contracts/proto/reporting.v1.proto). */
const SERVICE_NAME = 'ReportingService';

/**
 * The gRPC ReportingService: the same reports as REST, through the same guard (API token in the
 * `authorization` metadata, scope read), the same validation of the same query DTOs, the same
 * interceptors; refusals answer their gRPC status (GrpcExceptionFilter).
 */
@Controller()
@UseFilters(GrpcExceptionFilter)
@UsePipes(GrpcInputBoundaryPipe, requestValidationPipe())
export class ReportingGrpcController {
  constructor(private readonly kpis: KpiService) {}

  @GrpcMethod(SERVICE_NAME, 'GetKpis')
  @RequireScopes('read')
  async getKpis(@Payload() q: KpiQuery, @Auth() auth: AuthContext): Promise<object> {
    const report = await this.kpis.kpis(auth.workspaceId, parseMonth(q.from)!, parseMonth(q.to)!, sliceOf(q));
    return {
      currency: report.currency,
      from: report.from,
      to: report.to,
      months: report.months.map((m) => withoutNulls(m)),
      errors: report.errors.map((e) => withoutNulls(e)),
      warnings: report.warnings,
    };
  }

  @GrpcMethod(SERVICE_NAME, 'GetMrrMovements')
  @RequireScopes('read')
  async getMrrMovements(@Payload() q: MovementsQuery, @Auth() auth: AuthContext): Promise<object> {
    const report = await this.kpis.movements(
      auth.workspaceId,
      parseMonth(q.from)!,
      parseMonth(q.to)!,
      movementsOptionsOf(q),
    );
    return withoutNulls({ ...report, errors: report.errors.map((e) => withoutNulls(e)) });
  }
}
