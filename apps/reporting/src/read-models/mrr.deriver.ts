import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { numeric } from '@tsuzuku/platform-database';
import { AccountMonth, accountMonths } from '../kpis/domain/account-months';
import { toReportingMicros } from '../kpis/domain/currency';
import {
  MRR_TOTAL_FIELDS,
  MrrTotals,
  addTotals,
  contributionOf,
  zeroTotals,
} from '../kpis/domain/kpi-formulas';
import { monthDate, monthOf, monthStart, parseMonth } from '../kpis/domain/month';
import { MrrMovement, SubscriptionEvent, mrrMovements } from '../kpis/domain/mrr-movements';
import {
  AttributeVersion,
  SliceAttributes,
  attributeVersions,
  sliceValue,
  versionBefore,
} from '../kpis/domain/slice';

/** The attributes month rows and totals are sliced by ('' for not set). */
type MonthSlice = { readonly [K in keyof SliceAttributes]: string };
import { CurrencySettingsStore } from '../settings/currency-settings.store';
import { AttributesRepository } from './attributes.repository';
import { onboardingCount, onboardingDeltas, workspaceMonthDeltas } from './domain/kpi-month-totals';
import { LedgerRow, MrrRepository, StoredMonth } from './mrr.repository';

const toAccountMonth = (r: StoredMonth): AccountMonth => ({
  month: parseMonth(r.month.slice(0, 7))!,
  startMrr: numeric(r.start_mrr),
  endMrr: numeric(r.end_mrr),
  newMrr: numeric(r.new_mrr),
  expansionMrr: numeric(r.expansion_mrr),
  contractionMrr: numeric(r.contraction_mrr),
  churnedMrr: numeric(r.churned_mrr),
  reactivationMrr: numeric(r.reactivation_mrr),
  expansions: r.expansions,
  startMrr12: numeric(r.start_mrr_12),
});

/**
 * Rewrites what is derived from an account's subscription ledger and attribute facts: its
 * attribute versions (by event time), its movements, its months (with the version in effect at
 * each month's end), its conversion errors, and its share of the
 * month totals (by delta: the old rows' contributions out, the new ones in). Called in the
 * transaction that changed the ledger or the attributes, with the accounts locked.
 */
@Injectable()
export class MrrDeriver {
  constructor(
    private readonly settings: CurrencySettingsStore,
    private readonly mrr: MrrRepository,
    private readonly attributes: AttributesRepository,
  ) {}

  /**
   * Derives the accounts again, then counts them for the onboarding totals, with `alsoRecount`
   * (accounts whose onboarding completion changed without anything to derive).
   */
  async derive(
    m: EntityManager,
    workspaceId: string,
    accountIds: readonly string[],
    now: number,
    alsoRecount: readonly string[] = [],
  ): Promise<void> {
    const ids = [...new Set(accountIds)].sort();
    if (ids.length === 0) return;
    await this.mrr.lockAccounts(m, workspaceId, ids);
    const currency = await this.settings.get(workspaceId, m);
    const ledger = await this.mrr.ledger(m, workspaceId, ids);
    const facts = await this.attributes.facts(m, workspaceId, ids);
    const versions = new Map<string, AttributeVersion[]>(
      ids.map((id) => [id, attributeVersions(facts.get(id) ?? [])]),
    );
    await this.attributes.replaceVersions(m, workspaceId, versions);
    const horizon = monthOf(now);

    const movements: object[] = [];
    const errors: object[] = [];
    const months: object[] = [];
    const accounts: object[] = [];
    const delta = new Map<string, { slice: MonthSlice & { month: string }; totals: MrrTotals }>();
    const add = (month: string, slice: MonthSlice, row: AccountMonth, sign: 1 | -1) => {
      const key = [month, slice.segment, slice.touchModel, slice.phase, slice.owner, slice.plan].join(
        '\u0000',
      );
      const entry = delta.get(key) ?? { slice: { ...slice, month }, totals: zeroTotals() };
      entry.totals = addTotals(entry.totals, contributionOf(row), sign);
      delta.set(key, entry);
    };

    const byAccount = new Map<string, LedgerRow[]>();
    for (const row of ledger) {
      const rows = byAccount.get(row.account_id);
      if (rows) rows.push(row);
      else byAccount.set(row.account_id, [row]);
    }
    for (const accountId of ids) {
      const events: SubscriptionEvent[] = [];
      let firstStartedAt: number | null = null;
      for (const row of byAccount.get(accountId) ?? []) {
        const at = Number(row.at_ms);
        if (row.kind === 'started' && (firstStartedAt === null || at < firstStartedAt)) firstStartedAt = at;
        if (row.kind === 'cancelled') {
          events.push({
            eventId: row.event_id,
            subscriptionId: row.subscription_id,
            kind: row.kind,
            at,
            mrr: 0,
          });
          continue;
        }
        const converted = toReportingMicros(Number(row.mrr), row.currency, currency);
        if (!converted.ok) {
          errors.push({
            eventId: row.event_id,
            accountId,
            subscriptionId: row.subscription_id,
            at: new Date(at).toISOString(),
            currency: converted.currency,
            amount: row.mrr,
          });
          continue;
        }
        events.push({
          eventId: row.event_id,
          subscriptionId: row.subscription_id,
          kind: row.kind,
          at,
          mrr: converted.micros,
        });
      }
      const accountMovements: MrrMovement[] = mrrMovements(events);
      for (const mv of accountMovements)
        movements.push({
          accountId,
          at: new Date(mv.at).toISOString(),
          eventId: mv.eventId,
          type: mv.type,
          amount: mv.amount,
          fromMrr: mv.from,
          toMrr: mv.to,
        });
      const accountVersions = versions.get(accountId) ?? [];
      for (const row of accountMonths(accountMovements, horizon)) {
        const attrs = versionBefore(accountVersions, monthStart(row.month + 1));
        const slice = {
          segment: sliceValue(attrs.segment),
          touchModel: sliceValue(attrs.touchModel),
          phase: sliceValue(attrs.phase),
          owner: sliceValue(attrs.owner),
          plan: sliceValue(attrs.plan),
        };
        add(monthDate(row.month), slice, row, 1);
        months.push({ ...row, accountId, month: monthDate(row.month), ...slice });
      }
      const last = accountMovements[accountMovements.length - 1];
      accounts.push({
        accountId,
        firstStartedAt: firstStartedAt === null ? null : new Date(firstStartedAt).toISOString(),
        currentMrr: last?.to ?? 0,
        lastMovementAt: last ? new Date(last.at).toISOString() : null,
        derivedThrough: monthDate(horizon),
      });
    }

    const old = await this.mrr.deleteAccountMonths(m, workspaceId, ids);
    for (const r of old)
      add(
        r.month,
        { segment: r.segment, touchModel: r.touch_model, phase: r.phase, owner: r.owner, plan: r.plan },
        toAccountMonth(r),
        -1,
      );
    await this.mrr.insertAccountMonths(m, workspaceId, months);
    await this.applyDeltas(m, workspaceId, [...delta.entries()]);
    await this.mrr.replaceMovements(m, workspaceId, ids, movements);
    await this.mrr.replaceConversionErrors(m, workspaceId, ids, errors);
    await this.mrr.updateAccounts(m, workspaceId, accounts);
    await this.recountOnboarding(m, workspaceId, [...ids, ...alsoRecount]);
  }

  /**
   * Counts the accounts again for the onboarding totals from their first start and onboarding
   * completion as they stand (after a derivation, or a profile update that moved the completion):
   * what changed moves between the months' totals. Locks the accounts' rows.
   */
  async recountOnboarding(
    m: EntityManager,
    workspaceId: string,
    accountIds: readonly string[],
  ): Promise<void> {
    const ids = [...new Set(accountIds)].sort();
    if (ids.length === 0) return;
    const states = await this.mrr.onboardingStates(m, workspaceId, ids);
    const { changed, deltas } = onboardingDeltas(
      states.map((s) => ({
        accountId: s.accountId,
        recorded: s.recorded,
        now: onboardingCount(s.firstStartedAt, s.completedAt),
      })),
    );
    await this.mrr.recordOnboardingCounts(
      m,
      workspaceId,
      changed.map((c) => ({
        accountId: c.accountId,
        month: c.now?.month ?? null,
        completed: c.now?.completed ?? false,
      })),
      deltas,
    );
  }

  /** Adds the deltas to the month totals, in key order (so that concurrent writers never deadlock). */
  private async applyDeltas(
    m: EntityManager,
    workspaceId: string,
    entries: [string, { slice: MonthSlice & { month: string }; totals: MrrTotals }][],
  ): Promise<void> {
    const rows = entries
      .filter(([, e]) => MRR_TOTAL_FIELDS.some((f) => e.totals[f] !== 0))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => ({ ...e.slice, ...e.totals }));
    await this.mrr.addToMonthTotals(m, workspaceId, rows);
    await this.mrr.addToWorkspaceMonthTotals(m, workspaceId, workspaceMonthDeltas(rows));
  }
}
