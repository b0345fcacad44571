import { Injectable } from '@nestjs/common';
import { ApiWarning, Clock, matchesNoAccount, readAheadPage } from '@tsuzuku/platform-runtime';
import { KpiRow, fromMicros, kpiRow, zeroTotals } from '../kpis/domain/kpi-formulas';
import {
  MonthIndex,
  daysInMonth,
  formatMonth,
  monthDate,
  monthRange,
  monthStart,
} from '../kpis/domain/month';
import { ONBOARDING_WINDOW_MS } from '../kpis/domain/onboarding';
import { MovementType } from '../kpis/domain/mrr-movements';
import { CurrencySettingsStore } from '../settings/currency-settings.store';
import { ConversionError, KpiRepository, MonthSpan } from './kpi.repository';
import { MovementTotals, MovementsRepository } from './movements.repository';
import { SliceFilter, isSliced } from './report-filter';
import { MOVEMENTS_CURSOR, MovementsCursor } from './movements-cursor';
import { ReportMetrics } from './report.metrics';
import { SliceValuesRepository } from './slice-values.repository';

export type { ConversionError } from './kpi.repository';

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
  /** Each movement, a page at a time in time order, when asked for (accountId or detail=true); else empty. */
  readonly items: MovementRow[];
  /** The cursor of the next page of items, null on the last page (and without detail). */
  readonly nextCursor: string | null;
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
    private readonly kpiRepository: KpiRepository,
    private readonly movementsRepository: MovementsRepository,
    private readonly settings: CurrencySettingsStore,
    private readonly clock: Clock,
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
  kpis(workspaceId: string, from: MonthIndex, to: MonthIndex, filter: SliceFilter): Promise<KpiReport> {
    return this.metrics.timed('kpis', isSliced(filter), () =>
      this.kpiReport(workspaceId, from, to, filter, this.clock.now().getTime()),
    );
  }

  /** The MRR movements of a month range (each movement when asked for), its query time measured. */
  movements(
    workspaceId: string,
    from: MonthIndex,
    to: MonthIndex,
    options: MovementsOptions,
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
    const span: MonthSpan = { workspaceId, from: monthDate(from), to: monthDate(to) };
    const [settings, mrr, activity, surveys, onboarding, errors, warnings] = await Promise.all([
      this.settings.get(workspaceId),
      this.kpiRepository.mrrTotals(span, filter),
      this.kpiRepository.activityTotals(span, filter),
      this.kpiRepository.surveyTotals(span, filter),
      this.kpiRepository.onboardingTotals(
        workspaceId,
        {
          from: isoAt(monthStart(from)),
          until: isoAt(monthStart(to + 1)),
          startedBy: isoAt(now - ONBOARDING_WINDOW_MS),
        },
        filter,
      ),
      this.kpiRepository.conversionErrors(workspaceId, isoAt(monthStart(to + 1))),
      this.filterWarnings(workspaceId, filter),
    ]);
    const none = { activeAccounts: 0, users: 0, userDays: 0 };
    const noSurveys = { npsRespondents: 0, promoters: 0, detractors: 0, csatResponses: 0, csatSatisfied: 0 };
    const months = monthRange(from, to).map((m) => {
      const key = formatMonth(m);
      return kpiRow(
        key,
        daysInMonth(m),
        mrr.get(key) ?? zeroTotals(),
        activity.get(key) ?? none,
        surveys.get(key) ?? noSurveys,
        onboarding.get(key) ?? { eligible: 0, completed: 0 },
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
    const [settings, errors, totals] = await Promise.all([
      this.settings.get(workspaceId),
      this.kpiRepository.conversionErrors(workspaceId, isoAt(monthStart(to + 1))),
      options.accountId === undefined
        ? this.kpiRepository.mrrTotals(
            { workspaceId, from: monthDate(from), to: monthDate(to) },
            options.filter ?? {},
          )
        : this.movementsRepository.accountTotals(
            workspaceId,
            options.accountId,
            monthDate(from),
            monthDate(to),
          ),
    ]);
    const report = {
      currency: settings.currency,
      from: formatMonth(from),
      to: formatMonth(to),
      months: totalsRows(from, to, totals),
      errors,
      warnings: await this.filterWarnings(workspaceId, options.filter ?? {}),
    };
    if (options.accountId === undefined && !options.detail) return { ...report, items: [], nextCursor: null };
    const page = await readAheadPage(
      options.limit ?? 1000,
      (count) =>
        this.movementsRepository.list(
          workspaceId,
          { from: isoAt(monthStart(from)), until: isoAt(monthStart(to + 1)) },
          {
            ...(options.accountId !== undefined ? { accountId: options.accountId } : {}),
            ...(options.filter !== undefined ? { filter: options.filter } : {}),
            ...(options.cursor !== undefined ? { after: options.cursor } : {}),
            limit: count,
          },
        ),
      MOVEMENTS_CURSOR,
      (r) => ({ at: r.occurredAt.toISOString(), accountId: r.accountId }),
    );
    return {
      ...report,
      items: page.items.map((r) => ({
        accountId: r.accountId,
        occurredAt: r.occurredAt.toISOString(),
        month: r.occurredAt.toISOString().slice(0, 7),
        type: r.type,
        amount: fromMicros(r.amount),
        fromMrr: fromMicros(r.fromMrr),
        toMrr: fromMicros(r.toMrr),
        eventId: r.eventId,
      })),
      nextCursor: page.nextCursor,
    };
  }
}

const isoAt = (ms: number): string => new Date(ms).toISOString();

/** The movement totals of every month of the range (a month without a row: zeros), in units. */
function totalsRows(
  from: MonthIndex,
  to: MonthIndex,
  totals: ReadonlyMap<string, MovementTotals>,
): MovementTotalsRow[] {
  return monthRange(from, to).map((m) => {
    const month = formatMonth(m);
    const t = totals.get(month) ?? zeroTotals();
    return {
      month,
      startMrr: fromMicros(t.startMrr),
      newMrr: fromMicros(t.newMrr),
      expansionMrr: fromMicros(t.expansionMrr),
      contractionMrr: fromMicros(t.contractionMrr),
      churnedMrr: fromMicros(t.churnedMrr),
      reactivationMrr: fromMicros(t.reactivationMrr),
      netNewMrr: fromMicros(t.newMrr + t.expansionMrr + t.reactivationMrr - t.contractionMrr - t.churnedMrr),
      endMrr: fromMicros(t.endMrr),
    };
  });
}
