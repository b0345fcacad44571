import { Headers, Query, Res, Type, applyDecorators } from '@nestjs/common';
import { ApiHeader, ApiProduces, ApiResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead } from '@tsuzuku/platform-runtime';
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

/** A report's GET: read scope, OpenAPI summary and answer, the Accept header, and 400 for bad parameters. */
function ReportRoute(path: string, summary: string, type: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiResponse({ status: 400, description: 'invalid parameters, each with its field path' }),
    ApiHeader({ name: 'accept', required: false, description: 'text/csv for CSV instead of JSON' }),
    ApiRead(summary, type, path),
  );
}

/** The report as JSON, or as CSV (`csv` of it) when the request's Accept header asks for text/csv. */
function jsonOrCsv<T>(
  report: T,
  accept: string | undefined,
  reply: FastifyReply,
  csv: (report: T) => string,
): T | string {
  if (!wantsCsv(accept)) return report;
  void reply.header('content-type', 'text/csv; charset=utf-8');
  return csv(report);
}

/** The retention reports of the API token's workspace, as JSON or (Accept: text/csv) CSV. */
@ApiController('reports', 'v1/reports')
@ApiProduces('application/json', 'text/csv')
export class ReportsController {
  constructor(
    private readonly kpiService: KpiService,
    private readonly reports: SecondaryReportsService,
  ) {}

  @ReportRoute(
    'kpis',
    'Every KPI, one row per month (docs/kpis.md has the formulas); sliceable by end-of-month attributes',
    KpiReportDto,
  )
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
    return jsonOrCsv(report, accept, reply, (r) =>
      toCsv(KPI_FIELDS, r.months as unknown as Record<string, unknown>[]),
    );
  }

  @ReportRoute(
    'mrr-movements',
    'MRR movements: monthly totals; with accountId or detail=true each movement, a page at a time',
    MovementsReportDto,
  )
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
    return jsonOrCsv(report, accept, reply, (r) => {
      if (q.accountId !== undefined || q.detail)
        return toCsv(
          ['accountId', 'occurredAt', 'month', 'type', 'amount', 'fromMrr', 'toMrr', 'eventId'],
          r.items as unknown as Record<string, unknown>[],
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
        r.months as unknown as Record<string, unknown>[],
      );
    });
  }

  @ReportRoute(
    'cohorts',
    'Logo and revenue retention by the month of first MRR (a triangle)',
    CohortsReportDto,
  )
  async cohorts(
    @Auth() auth: AuthContext,
    @Query() q: CohortsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.cohorts(auth.workspaceId, parseMonth(q.from)!, parseMonth(q.to)!);
    return jsonOrCsv(report, accept, reply, (r) =>
      toCsv(
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
        r.cohorts.flatMap((c) =>
          c.months.map((m) => ({
            cohort: c.cohort,
            cohortAccounts: c.accounts,
            cohortStartMrr: c.startMrr,
            ...m,
          })),
        ),
      ),
    );
  }

  @ReportRoute('health-distribution', 'Accounts per health band over time', HealthDistributionDto)
  async healthDistribution(
    @Auth() auth: AuthContext,
    @Query() q: HealthDistributionQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.healthDistribution(auth.workspaceId, q.from, q.to, q.interval ?? 'day');
    return jsonOrCsv(report, accept, reply, (r) =>
      toCsv(['date', 'red', 'yellow', 'green', 'none'], r.points),
    );
  }

  @ReportRoute(
    'alerts',
    'Alerts raised and resolved, and the median time to resolve, per rule type',
    AlertsReportDto,
  )
  async alerts(
    @Auth() auth: AuthContext,
    @Query() q: DateRangeQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.alerts(auth.workspaceId, q.from, q.to);
    return jsonOrCsv(report, accept, reply, (r) =>
      toCsv(['ruleType', 'raised', 'resolved', 'medianHoursToResolve'], r.ruleTypes),
    );
  }

  @ReportRoute(
    'playbooks',
    'Per playbook: runs, completion, and treated versus holdout outcomes over the following 90 days',
    PlaybooksReportDto,
  )
  async playbooks(
    @Auth() auth: AuthContext,
    @Query() q: DateRangeQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.playbooks(auth.workspaceId, q.from, q.to);
    return jsonOrCsv(report, accept, reply, (r) =>
      toCsv(
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
        r.playbooks.map((p) => ({
          ...p,
          treatedAccounts: p.treated.accounts,
          treatedLogoChurnRate: p.treated.logoChurnRate,
          treatedNrr: p.treated.nrr,
          holdoutAccounts: p.holdout.accounts,
          holdoutLogoChurnRate: p.holdout.logoChurnRate,
          holdoutNrr: p.holdout.nrr,
        })),
      ),
    );
  }
}
