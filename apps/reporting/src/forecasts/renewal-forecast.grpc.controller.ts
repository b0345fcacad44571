import { Controller, UseFilters, UsePipes } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { GrpcExceptionFilter, GrpcInputBoundaryPipe, withoutNulls } from '@tsuzuku/platform-grpc';
import { requestValidationPipe } from '@tsuzuku/platform-runtime';
import { RenewalForecastQuery, RenewalOutcomeQuery } from './dto/renewal-forecast.dto';
import { RenewalForecastService } from './renewal-forecast.service';

/** The service's name within its proto package (libs/contracts/proto/reporting.v1.proto). */
const SERVICE_NAME = 'ReportingService';

/**
 * The renewal forecast's methods of the gRPC ReportingService: the same figures as REST, through
 * the same guard (API token in the `authorization` metadata, scope read) and the same
 * validation of the same query DTOs as ReportingGrpcController.
 */
@Controller()
@UseFilters(GrpcExceptionFilter)
@UsePipes(GrpcInputBoundaryPipe, requestValidationPipe())
export class RenewalForecastGrpcController {
  constructor(private readonly forecasts: RenewalForecastService) {}

  @GrpcMethod(SERVICE_NAME, 'GetRenewalForecast')
  @RequireScopes('read')
  async getRenewalForecast(@Payload() q: RenewalForecastQuery, @Auth() auth: AuthContext): Promise<object> {
    const report = await this.forecasts.forecast(auth.workspaceId, q.days, q.limit);
    return {
      ...report,
      atRisk: report.atRisk.map((r) => ({
        ...r,
        topContributions: r.topContributions.map((c) => withoutNulls(c)),
      })),
    };
  }

  @GrpcMethod(SERVICE_NAME, 'GetRenewalForecastOutcome')
  @RequireScopes('read')
  async getRenewalForecastOutcome(
    @Payload() q: RenewalOutcomeQuery,
    @Auth() auth: AuthContext,
  ): Promise<object> {
    const report = await this.forecasts.outcome(auth.workspaceId, q.from, q.days);
    return {
      ...report,
      predicted: withoutNulls(report.predicted),
      unpredicted: withoutNulls(report.unpredicted),
      accounts: report.accounts.map((a) => withoutNulls(a)),
    };
  }
}
