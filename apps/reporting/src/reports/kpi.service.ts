import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiWarning, matchesNoAccount } from '@tsuzuku/platform-runtime';
import { KpiRow, fromMicros, kpiRow, zeroTotals } from '../kpis/domain/kpi-formulas';
import {
  MonthIndex,
  daysInMonth,
  formatMonth,
  monthDate,
  monthRange,
  monthStart,
} from '../kpis/domain/month';
import { MovementType } from '../kpis/domain/mrr-movements';
import { CurrencySettingsStore } from '../settings/currency-settings.store';
import { num } from '../read-models/sql';
import { ConversionError, KpiStore } from './kpi.store';
import { SliceFilter, isSliced, sliceConditions } from './report-filter';
import { MOVEMENTS_CURSOR, MovementsCursor } from './movements-cursor';
import { ReportMetrics } from './report.metrics';
import { SliceValuesRepository } from './slice-values.repository';

export interface KpiReport {
  readonly currency: string;
  readonly from: string;
  readonly to: string;
  readonly filter: SliceFilter;
  readonly months: KpiRow[];
  /** Subscription events up to the end of `to` that could not be converted, left out of every figure. */
  readonly errors: ConversionError[];
  /** E.g. a filter value (segment, owner, plan) no account of the workspace has. */
  readonly warnings: ApiWarning[];
}

export interface MovementTotalsRow {
  readonly month: string;
  readonly startMrr: number;
  readonly newMrr: number;
  readonly expansionMrr: number;
  readonly contractionMrr: number;
  readonly churnedMrr: number;
  readonly reactivationMrr: number;
  readonly netNewMrr: number;
  readonly endMrr: number;
}

export interface MovementRow {
  readonly accountId: string;
  readonly occurredAt: string;
  readonly month: string;
  readonly type: MovementType;
  readonly amount: number;
  readonly fromMrr: number;
  readonly toMrr: number;
  readonly eventId: string;
}

export interface MovementsReport {
  readonly currency: string;
  readonly from: string;
  readonly to: string;
  readonly months: MovementTotalsRow[];
  /** Each movement, when asked for (accountId or detail=true), in time order. */
  readonly movements?: MovementRow[];
  readonly nextCursor?: string | null;
  readonly errors: ConversionError[];
  /** E.g. a filter value (segment, owner, plan) no account of the workspace has. */
  readonly warnings: ApiWarning[];
}

/** What a movements report covers beyond its months. */
export interface MovementsOptions {
  /** One account's totals and movements (the slice is then ignored). */
  readonly accountId?: string;
  /** List each movement, not only the monthly totals. */
  readonly detail?: boolean;
  readonly limit?: number;
  readonly cursor?: MovementsCursor;
  readonly filter?: SliceFilter;
}

/** The KPI and MRR-movement reports, for REST and gRPC alike. */
@Injectable()
export class KpiService {
  private readonly metrics = new ReportMetrics();

  constructor(
    private readonly store: KpiStore,
    private readonly settings: CurrencySettingsStore,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sliceValues: SliceValuesRepository,
  ) {}

  /**
   * A report filtered on a segment, owner or plan no account of the workspace has is answered
   * (empty), with a warning that says so: the value may be misspelt.
   */
  private async filterWarnings(workspaceId: string, filter: SliceFilter): Promise<ApiWarning[]> {
    const unknown = await this.sliceValues.unknown(workspaceId, filter);
    return unknown.map((field) => matchesNoAccount(field, filter[field]!));
  }

  /** The KPI report of a month range, its query time measured. */
  kpis(
    workspaceId: string,
    from: MonthIndex,
    to: MonthIndex,
    filter: SliceFilter,
    now = Date.now(),
  ): Promise<KpiReport> {
    return this.metrics.timed('kpis', isSliced(filter), () =>
      this.kpiReport(workspaceId, from, to, filter, now),
    );
  }

  /** The MRR movements of a month range (each movement when asked for), its query time measured. */
  movements(
    workspaceId: string,
    from: MonthIndex,
    to: MonthIndex,
    options: {
      accountId?: string;
      detail?: boolean;
      limit?: number;
      cursor?: MovementsCursor;
      filter?: SliceFilter;
    },
  ): Promise<MovementsReport> {
    const sliced = options.filter !== undefined && isSliced(options.filter);
    return this.metrics.timed('mrr_movements', sliced, () =>
      this.movementsReport(workspaceId, from, to, options),
    );
  }

  private async kpiReport(
    workspaceId: string,
    from: MonthIndex,
    to: MonthIndex,
    filter: SliceFilter,
    now: number,
  ): Promise<KpiReport> {
    const [settings, figures, errors, warnings] = await Promise.all([
      this.settings.get(workspaceId),
      this.store.figures(workspaceId, from, to, filter, now),
      this.store.conversionErrors(workspaceId, monthStart(to + 1)),
      this.filterWarnings(workspaceId, filter),
    ]);
    const none = { activeAccounts: 0, users: 0, userDays: 0 };
    const noSurveys = { npsRespondents: 0, promoters: 0, detractors: 0, csatResponses: 0, csatSatisfied: 0 };
    const months = monthRange(from, to).map((m) => {
      const key = formatMonth(m);
      return kpiRow(
        key,
        daysInMonth(m),
        figures.mrr.get(key) ?? zeroTotals(),
        figures.activity.get(key) ?? none,
        figures.surveys.get(key) ?? noSurveys,
        figures.onboarding.get(key) ?? { eligible: 0, completed: 0 },
      );
    });
    return {
      currency: settings.currency,
      from: formatMonth(from),
      to: formatMonth(to),
      filter,
      months,
      errors,
      warnings,
    };
  }

  private async movementsReport(
    workspaceId: string,
    from: MonthIndex,
    to: MonthIndex,
    options: MovementsOptions,
  ): Promise<MovementsReport> {
    const settings = await this.settings.get(workspaceId);
    const errors = await this.store.conversionErrors(workspaceId, monthStart(to + 1));
    let months: MovementTotalsRow[];
    if (options.accountId === undefined) {
      const slice = sliceConditions(options.filter ?? {}, 't', 4);
      const rows: Record<string, string>[] = await this.dataSource.query(
        `SELECT to_char(month, 'YYYY-MM') AS month, sum(start_mrr)::text AS s, sum(new_mrr)::text AS n,
                sum(expansion_mrr)::text AS e, sum(contraction_mrr)::text AS c, sum(churned_mrr)::text AS ch,
                sum(reactivation_mrr)::text AS r, sum(end_mrr)::text AS en
         FROM reporting.month_totals t WHERE workspace_id = $1 AND month BETWEEN $2 AND $3${slice.sql}
         GROUP BY month`,
        [workspaceId, monthDate(from), monthDate(to), ...slice.params],
      );
      months = this.totalsRows(from, to, rows);
    } else {
      const rows: Record<string, string>[] = await this.dataSource.query(
        `SELECT to_char(month, 'YYYY-MM') AS month, start_mrr::text AS s, new_mrr::text AS n, expansion_mrr::text AS e,
                contraction_mrr::text AS c, churned_mrr::text AS ch, reactivation_mrr::text AS r, end_mrr::text AS en
         FROM reporting.account_months WHERE workspace_id = $1 AND account_id = $4 AND month BETWEEN $2 AND $3`,
        [workspaceId, monthDate(from), monthDate(to), options.accountId],
      );
      months = this.totalsRows(from, to, rows);
    }
    const report = {
      currency: settings.currency,
      from: formatMonth(from),
      to: formatMonth(to),
      months,
      errors,
      warnings: await this.filterWarnings(workspaceId, options.filter ?? {}),
    };
    if (options.accountId === undefined && !options.detail) return report;
    const limit = options.limit ?? 1000;
    const params: unknown[] = [
      workspaceId,
      new Date(monthStart(from)).toISOString(),
      new Date(monthStart(to + 1)).toISOString(),
      limit + 1,
    ];
    let where = '';
    let join = '';
    if (options.accountId !== undefined) {
      params.push(options.accountId);
      where += ` AND mv.account_id = $${params.length}`;
    } else if (options.filter && isSliced(options.filter)) {
      // The slice of each movement's account in the movement's month: the account month's, as
      // in the monthly totals, so the listed movements add up to them.
      const slice = sliceConditions(options.filter, 'am', params.length + 1);
      params.push(...slice.params);
      join = `JOIN reporting.account_months am ON am.workspace_id = mv.workspace_id AND am.account_id = mv.account_id
         AND am.month = date_trunc('month', mv.occurred_at AT TIME ZONE 'UTC')::date${slice.sql}`;
    }
    if (options.cursor) {
      params.push(options.cursor.at, options.cursor.accountId);
      where += ` AND (mv.occurred_at, mv.account_id) > ($${params.length - 1}::timestamptz, $${params.length})`;
    }
    const rows: {
      account_id: string;
      occurred_at: Date;
      type: MovementType;
      amount: string;
      from_mrr: string;
      to_mrr: string;
      event_id: string;
    }[] = await this.dataSource.query(
      `SELECT mv.account_id, mv.occurred_at, mv.type, mv.amount::text, mv.from_mrr::text, mv.to_mrr::text, mv.event_id
       FROM reporting.mrr_movements mv ${join}
       WHERE mv.workspace_id = $1 AND mv.occurred_at >= $2 AND mv.occurred_at < $3${where}
       ORDER BY mv.occurred_at, mv.account_id LIMIT $4`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      ...report,
      movements: page.map((r) => ({
        accountId: r.account_id,
        occurredAt: r.occurred_at.toISOString(),
        month: r.occurred_at.toISOString().slice(0, 7),
        type: r.type,
        amount: fromMicros(num(r.amount)),
        fromMrr: fromMicros(num(r.from_mrr)),
        toMrr: fromMicros(num(r.to_mrr)),
        eventId: r.event_id,
      })),
      nextCursor:
        rows.length > limit && last
          ? MOVEMENTS_CURSOR.encode({ at: last.occurred_at.toISOString(), accountId: last.account_id })
          : null,
    };
  }

  private totalsRows(from: MonthIndex, to: MonthIndex, rows: Record<string, string>[]): MovementTotalsRow[] {
    const byMonth = new Map(rows.map((r) => [r['month']!, r]));
    return monthRange(from, to).map((m) => {
      const month = formatMonth(m);
      const r = byMonth.get(month) ?? {};
      const v = (k: string) => num(r[k]);
      return {
        month,
        startMrr: fromMicros(v('s')),
        newMrr: fromMicros(v('n')),
        expansionMrr: fromMicros(v('e')),
        contractionMrr: fromMicros(v('c')),
        churnedMrr: fromMicros(v('ch')),
        reactivationMrr: fromMicros(v('r')),
        netNewMrr: fromMicros(v('n') + v('e') + v('r') - v('c') - v('ch')),
        endMrr: fromMicros(v('en')),
      };
    });
  }
}
