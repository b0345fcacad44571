import { Controller, Get, Headers, Query, Res, UsePipes } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { requestValidationPipe } from '@tsuzuku/platform-runtime';
import { KPI_FIELDS } from '../kpis/domain/kpi-formulas';
import { parseMonth } from '../kpis/domain/month';
import { toCsv, wantsCsv } from './csv';
import {
  AlertsReportDto,
  CohortsReportDto,
  HealthDistributionDto,
  KpiReportDto,
  MovementsReportDto,
  PlaybooksReportDto,
} from './dto/report-responses';
import {
  CohortsQuery,
  DateRangeQuery,
  HealthDistributionQuery,
  KpiQuery,
  MovementsQuery,
} from './dto/report-queries';
import { KpiReport, KpiService, MovementsReport } from './kpi.service';
import { SecondaryReportsService } from './secondary-reports.service';
import { movementsOptionsOf, sliceOf } from './report-filter';

const csvHeader = ApiHeader({
  name: 'accept',
  required: false,
  description: 'text/csv for CSV instead of JSON',
});
const BAD_REQUEST = { status: 400, description: 'invalid parameters, each with its field path' };

/** The retention reports of the API token's workspace, as JSON or (Accept: text/csv) CSV. */
@ApiTags('reports')
@Controller('v1/reports')
@UsePipes(requestValidationPipe())
@ApiProduces('application/json', 'text/csv')
export class ReportsController {
  constructor(
    private readonly kpiService: KpiService,
    private readonly reports: SecondaryReportsService,
  ) {}

  @Get('kpis')
  @RequireScopes('read')
  @csvHeader
  @ApiOperation({
    summary:
      'Every KPI, one row per month (docs/kpis.md has the formulas); sliceable by end-of-month attributes',
  })
  @ApiResponse({ status: 200, type: KpiReportDto })
  @ApiResponse(BAD_REQUEST)
  async kpis(
    @Auth() auth: AuthContext,
    @Query() q: KpiQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<KpiReport | string> {
    const report = await this.kpiService.kpis(
      auth.workspaceId,
      parseMonth(q.from)!,
      parseMonth(q.to)!,
      sliceOf(q),
    );
    if (!wantsCsv(accept)) return report;
    void reply.header('content-type', 'text/csv; charset=utf-8');
    return toCsv(KPI_FIELDS, report.months as unknown as Record<string, unknown>[]);
  }

  @Get('mrr-movements')
  @RequireScopes('read')
  @csvHeader
  @ApiOperation({
    summary: 'MRR movements: monthly totals; with accountId or detail=true each movement, a page at a time',
  })
  @ApiResponse({ status: 200, type: MovementsReportDto })
  @ApiResponse(BAD_REQUEST)
  async movements(
    @Auth() auth: AuthContext,
    @Query() q: MovementsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MovementsReport | string> {
    const report = await this.kpiService.movements(
      auth.workspaceId,
      parseMonth(q.from)!,
      parseMonth(q.to)!,
      movementsOptionsOf(q),
    );
    if (!wantsCsv(accept)) return report;
    void reply.header('content-type', 'text/csv; charset=utf-8');
    if (q.accountId !== undefined || q.detail)
      return toCsv(
        ['accountId', 'occurredAt', 'month', 'type', 'amount', 'fromMrr', 'toMrr', 'eventId'],
        report.items as unknown as Record<string, unknown>[],
      );
    return toCsv(
      [
        'month',
        'startMrr',
        'newMrr',
        'expansionMrr',
        'contractionMrr',
        'churnedMrr',
        'reactivationMrr',
        'netNewMrr',
        'endMrr',
      ],
      report.months as unknown as Record<string, unknown>[],
    );
  }

  @Get('cohorts')
  @RequireScopes('read')
  @csvHeader
  @ApiOperation({ summary: 'Logo and revenue retention by the month of first MRR (a triangle)' })
  @ApiResponse({ status: 200, type: CohortsReportDto })
  @ApiResponse(BAD_REQUEST)
  async cohorts(
    @Auth() auth: AuthContext,
    @Query() q: CohortsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.cohorts(auth.workspaceId, parseMonth(q.from)!, parseMonth(q.to)!);
    if (!wantsCsv(accept)) return report;
    void reply.header('content-type', 'text/csv; charset=utf-8');
    return toCsv(
      [
        'cohort',
        'cohortAccounts',
        'cohortStartMrr',
        'age',
        'month',
        'accounts',
        'mrr',
        'logoRetention',
        'revenueRetention',
      ],
      report.cohorts.flatMap((c) =>
        c.months.map((m) => ({
          cohort: c.cohort,
          cohortAccounts: c.accounts,
          cohortStartMrr: c.startMrr,
          ...m,
        })),
      ),
    );
  }

  @Get('health-distribution')
  @RequireScopes('read')
  @csvHeader
  @ApiOperation({ summary: 'Accounts per health band over time' })
  @ApiResponse({ status: 200, type: HealthDistributionDto })
  @ApiResponse(BAD_REQUEST)
  async healthDistribution(
    @Auth() auth: AuthContext,
    @Query() q: HealthDistributionQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.healthDistribution(auth.workspaceId, q.from, q.to, q.interval ?? 'day');
    if (!wantsCsv(accept)) return report;
    void reply.header('content-type', 'text/csv; charset=utf-8');
    return toCsv(['date', 'red', 'yellow', 'green', 'none'], report.points);
  }

  @Get('alerts')
  @RequireScopes('read')
  @csvHeader
  @ApiOperation({ summary: 'Alerts raised and resolved, and the median time to resolve, per rule type' })
  @ApiResponse({ status: 200, type: AlertsReportDto })
  @ApiResponse(BAD_REQUEST)
  async alerts(
    @Auth() auth: AuthContext,
    @Query() q: DateRangeQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.alerts(auth.workspaceId, q.from, q.to);
    if (!wantsCsv(accept)) return report;
    void reply.header('content-type', 'text/csv; charset=utf-8');
    return toCsv(['ruleType', 'raised', 'resolved', 'medianHoursToResolve'], report.ruleTypes);
  }

  @Get('playbooks')
  @RequireScopes('read')
  @csvHeader
  @ApiOperation({
    summary: 'Per playbook: runs, completion, and treated versus holdout outcomes over the following 90 days',
  })
  @ApiResponse({ status: 200, type: PlaybooksReportDto })
  @ApiResponse(BAD_REQUEST)
  async playbooks(
    @Auth() auth: AuthContext,
    @Query() q: DateRangeQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.playbooks(auth.workspaceId, q.from, q.to);
    if (!wantsCsv(accept)) return report;
    void reply.header('content-type', 'text/csv; charset=utf-8');
    return toCsv(
      [
        'playbookId',
        'playbookName',
        'runs',
        'holdoutRuns',
        'completed',
        'completionRate',
        'treatedAccounts',
        'treatedLogoChurnRate',
        'treatedNrr',
        'holdoutAccounts',
        'holdoutLogoChurnRate',
        'holdoutNrr',
      ],
      report.playbooks.map((p) => ({
        ...p,
        treatedAccounts: p.treated.accounts,
        treatedLogoChurnRate: p.treated.logoChurnRate,
        treatedNrr: p.treated.nrr,
        holdoutAccounts: p.holdout.accounts,
        holdoutLogoChurnRate: p.holdout.logoChurnRate,
        holdoutNrr: p.holdout.nrr,
      })),
    );
  }
}
