import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
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
import {
  MrrMovement,
  SubscriptionEvent,
  SubscriptionEventKind,
  mrrMovements,
} from '../kpis/domain/mrr-movements';
import { AttributeVersion, SliceAttributes, attributeVersions, versionBefore } from '../kpis/domain/slice';

/** The attributes month rows and totals are sliced by ('' for not set). */
type MonthSlice = { readonly [K in keyof SliceAttributes]: string };
import { CurrencySettingsStore } from '../settings/currency-settings.store';
import { loadAttributeFacts, replaceAttributeVersions } from './attribute-changes';
import { asJson, num, sliceValue } from './sql';

/** Snake-case columns of the month totals, in the order of MRR_TOTAL_FIELDS. */
export const TOTAL_COLUMNS: Record<keyof MrrTotals, string> = {
  startMrr: 'start_mrr',
  endMrr: 'end_mrr',
  newMrr: 'new_mrr',
  expansionMrr: 'expansion_mrr',
  contractionMrr: 'contraction_mrr',
  churnedMrr: 'churned_mrr',
  reactivationMrr: 'reactivation_mrr',
  startAccounts: 'start_accounts',
  churnedAccounts: 'churned_accounts',
  expandedAccounts: 'expanded_accounts',
  payingAccounts: 'paying_accounts',
  retainedMrr: 'retained_mrr',
  startAccountsEndMrr: 'start_accounts_end_mrr',
  startMrr12: 'start_mrr_12',
  retainedMrr12: 'retained_mrr_12',
  startAccountsEndMrr12: 'start_accounts_end_mrr_12',
};

interface LedgerRow {
  event_id: string;
  account_id: string;
  subscription_id: string;
  kind: SubscriptionEventKind;
  at_ms: string;
  mrr: string | null;
  currency: string | null;
}

interface StoredMonth {
  account_id: string;
  month: string;
  segment: string;
  touch_model: string;
  phase: string;
  owner: string;
  plan: string;
  start_mrr: string;
  end_mrr: string;
  new_mrr: string;
  expansion_mrr: string;
  contraction_mrr: string;
  churned_mrr: string;
  reactivation_mrr: string;
  expansions: number;
  start_mrr_12: string;
}

const toAccountMonth = (r: StoredMonth): AccountMonth => ({
  month: parseMonth(r.month.slice(0, 7))!,
  startMrr: num(r.start_mrr),
  endMrr: num(r.end_mrr),
  newMrr: num(r.new_mrr),
  expansionMrr: num(r.expansion_mrr),
  contractionMrr: num(r.contraction_mrr),
  churnedMrr: num(r.churned_mrr),
  reactivationMrr: num(r.reactivation_mrr),
  expansions: r.expansions,
  startMrr12: num(r.start_mrr_12),
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
  constructor(private readonly settings: CurrencySettingsStore) {}

  async derive(
    m: EntityManager,
    workspaceId: string,
    accountIds: readonly string[],
    now: number,
  ): Promise<void> {
    const ids = [...new Set(accountIds)].sort();
    if (ids.length === 0) return;
    await m.query(
      `INSERT INTO reporting.accounts (workspace_id, account_id) SELECT $1, unnest($2::text[])
       ON CONFLICT DO NOTHING`,
      [workspaceId, ids],
    );
    await m.query(
      `SELECT 1 FROM reporting.accounts WHERE workspace_id = $1 AND account_id = ANY($2)
       ORDER BY account_id FOR UPDATE`,
      [workspaceId, ids],
    );
    const currency = await this.settings.get(workspaceId, m);
    const ledger: LedgerRow[] = await m.query(
      `SELECT event_id, account_id, subscription_id, kind,
              (extract(epoch FROM occurred_at) * 1000)::bigint::text AS at_ms, mrr::text, currency
       FROM reporting.subscription_events WHERE workspace_id = $1 AND account_id = ANY($2)`,
      [workspaceId, ids],
    );
    const facts = await loadAttributeFacts(m, workspaceId, ids);
    const versions = new Map<string, AttributeVersion[]>(
      ids.map((id) => [id, attributeVersions(facts.get(id) ?? [])]),
    );
    await replaceAttributeVersions(m, workspaceId, versions);
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

    // TypeORM answers a DELETE with [rows, count].
    const [old]: [StoredMonth[], number] = await m.query(
      `DELETE FROM reporting.account_months WHERE workspace_id = $1 AND account_id = ANY($2)
       RETURNING account_id, month::text, segment, touch_model, phase, owner, plan, start_mrr, end_mrr, new_mrr,
                 expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, expansions, start_mrr_12`,
      [workspaceId, ids],
    );
    for (const r of old)
      add(
        r.month,
        { segment: r.segment, touchModel: r.touch_model, phase: r.phase, owner: r.owner, plan: r.plan },
        toAccountMonth(r),
        -1,
      );
    if (months.length > 0)
      await m.query(
        `INSERT INTO reporting.account_months (workspace_id, account_id, month, segment, touch_model, phase, owner, plan,
           start_mrr, end_mrr, new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, expansions, start_mrr_12)
         SELECT $1, "accountId", month, segment, "touchModel", phase, owner, plan, "startMrr", "endMrr", "newMrr",
                "expansionMrr", "contractionMrr", "churnedMrr", "reactivationMrr", expansions, "startMrr12"
         FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, month date, segment text, "touchModel" text,
           phase text, owner text, plan text, "startMrr" bigint, "endMrr" bigint, "newMrr" bigint, "expansionMrr" bigint,
           "contractionMrr" bigint, "churnedMrr" bigint, "reactivationMrr" bigint, expansions int, "startMrr12" bigint)`,
        [workspaceId, asJson(months)],
      );
    await this.applyDeltas(m, workspaceId, [...delta.entries()]);

    await m.query('DELETE FROM reporting.mrr_movements WHERE workspace_id = $1 AND account_id = ANY($2)', [
      workspaceId,
      ids,
    ]);
    if (movements.length > 0)
      await m.query(
        `INSERT INTO reporting.mrr_movements (workspace_id, account_id, occurred_at, event_id, type, amount, from_mrr, to_mrr)
         SELECT $1, "accountId", at, "eventId", type, amount, "fromMrr", "toMrr"
         FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, at timestamptz, "eventId" text, type text,
           amount bigint, "fromMrr" bigint, "toMrr" bigint)`,
        [workspaceId, asJson(movements)],
      );
    await m.query(
      'DELETE FROM reporting.conversion_errors WHERE workspace_id = $1 AND account_id = ANY($2)',
      [workspaceId, ids],
    );
    if (errors.length > 0)
      await m.query(
        `INSERT INTO reporting.conversion_errors (event_id, workspace_id, account_id, subscription_id, occurred_at, currency, amount)
         SELECT "eventId", $1, "accountId", "subscriptionId", at, currency, amount
         FROM jsonb_to_recordset($2::jsonb) AS r("eventId" text, "accountId" text, "subscriptionId" text,
           at timestamptz, currency text, amount numeric)`,
        [workspaceId, asJson(errors)],
      );
    await m.query(
      `UPDATE reporting.accounts a SET first_started_at = r."firstStartedAt", current_mrr = r."currentMrr",
         last_movement_at = r."lastMovementAt", derived_through = r."derivedThrough"
       FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, "firstStartedAt" timestamptz, "currentMrr" bigint,
         "lastMovementAt" timestamptz, "derivedThrough" date)
       WHERE a.workspace_id = $1 AND a.account_id = r."accountId"`,
      [workspaceId, asJson(accounts)],
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
    if (rows.length === 0) return;
    const columns = MRR_TOTAL_FIELDS.map((f) => TOTAL_COLUMNS[f]);
    await m.query(
      `INSERT INTO reporting.month_totals AS t (workspace_id, month, segment, touch_model, phase, owner, plan, ${columns.join(', ')})
       SELECT $1, month, segment, "touchModel", phase, owner, plan, ${MRR_TOTAL_FIELDS.map((f) => `"${f}"`).join(', ')}
       FROM jsonb_to_recordset($2::jsonb) AS r(month date, segment text, "touchModel" text, phase text, owner text, plan text,
         ${MRR_TOTAL_FIELDS.map((f) => `"${f}" bigint`).join(', ')})
       ON CONFLICT (workspace_id, month, segment, touch_model, phase, owner, plan) DO UPDATE SET
         ${columns.map((c) => `${c} = t.${c} + EXCLUDED.${c}`).join(', ')}`,
      [workspaceId, asJson(rows)],
    );
  }
}
