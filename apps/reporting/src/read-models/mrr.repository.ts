import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';
import { MRR_TOTAL_FIELDS, MrrTotals } from '../kpis/domain/kpi-formulas';
import { SubscriptionEventKind } from '../kpis/domain/mrr-movements';
import { OnboardingCount, OnboardingMonthDelta } from './domain/kpi-month-totals';
import { SLICE_RECORDSET_COLUMNS } from './slice-columns';

/** An account's first start and onboarding completion (epoch ms), and what the onboarding totals count it for. */
export interface OnboardingState {
  readonly accountId: string;
  readonly firstStartedAt: number | null;
  readonly completedAt: number | null;
  readonly recorded: OnboardingCount | null;
}

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

const totalColumns = MRR_TOTAL_FIELDS.map((f) => TOTAL_COLUMNS[f]);

const sql = defineStatements('reporting.mrr', {
  ensureAccounts: `
    INSERT INTO reporting.accounts (workspace_id, account_id) SELECT $1, unnest($2::text[])
    ON CONFLICT DO NOTHING`,
  lockAccounts: `
    SELECT 1 FROM reporting.accounts WHERE workspace_id = $1 AND account_id = ANY($2)
    ORDER BY account_id FOR UPDATE`,
  insertSubscriptionEvents: `
    INSERT INTO reporting.subscription_events
      (event_id, workspace_id, account_id, subscription_id, kind, occurred_at, mrr, currency, plan, seats)
    SELECT id, ws, account, sub, kind, at, mrr, currency, plan, seats
    FROM ${recordset({
      id: 'text',
      ws: 'text',
      account: 'text',
      sub: 'text',
      kind: 'text',
      at: 'timestamptz',
      mrr: 'numeric',
      currency: 'text',
      plan: 'text',
      seats: 'numeric',
    })}
    ON CONFLICT DO NOTHING`,
  accountsWithLedger:
    'SELECT DISTINCT account_id FROM reporting.subscription_events WHERE workspace_id = $1 ORDER BY account_id',
  recordProfiles: `
    INSERT INTO reporting.accounts AS a (workspace_id, account_id, onboarding_completed_at, profile_at, profile_event_id)
    SELECT DISTINCT ON (account) $1, account, completed, at, id
    FROM ${recordset({ account: 'text', at: 'timestamptz', id: 'text', completed: 'timestamptz' }, { param: 2 })}
    ORDER BY account, at DESC, id DESC
    ON CONFLICT (workspace_id, account_id) DO UPDATE SET onboarding_completed_at = EXCLUDED.onboarding_completed_at,
      profile_at = EXCLUDED.profile_at, profile_event_id = EXCLUDED.profile_event_id
    WHERE a.profile_at IS NULL OR (EXCLUDED.profile_at, EXCLUDED.profile_event_id) > (a.profile_at, a.profile_event_id)`,
  ledger: `
    SELECT event_id, account_id, subscription_id, kind,
           (extract(epoch FROM occurred_at) * 1000)::bigint::text AS at_ms, mrr::text, currency
    FROM reporting.subscription_events WHERE workspace_id = $1 AND account_id = ANY($2)`,
  deleteAccountMonths: `
    DELETE FROM reporting.account_months WHERE workspace_id = $1 AND account_id = ANY($2)
    RETURNING account_id, month::text, segment, touch_model, phase, owner, plan, start_mrr, end_mrr, new_mrr,
              expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, expansions, start_mrr_12`,
  insertAccountMonths: `
    INSERT INTO reporting.account_months (workspace_id, account_id, month, segment, touch_model, phase, owner, plan,
      start_mrr, end_mrr, new_mrr, expansion_mrr, contraction_mrr, churned_mrr, reactivation_mrr, expansions, start_mrr_12)
    SELECT $1, "accountId", month, segment, "touchModel", phase, owner, plan, "startMrr", "endMrr", "newMrr",
           "expansionMrr", "contractionMrr", "churnedMrr", "reactivationMrr", expansions, "startMrr12"
    FROM ${recordset(
      {
        accountId: 'text',
        month: 'date',
        ...SLICE_RECORDSET_COLUMNS,
        startMrr: 'bigint',
        endMrr: 'bigint',
        newMrr: 'bigint',
        expansionMrr: 'bigint',
        contractionMrr: 'bigint',
        churnedMrr: 'bigint',
        reactivationMrr: 'bigint',
        expansions: 'int',
        startMrr12: 'bigint',
      },
      { param: 2 },
    )}`,
  addToMonthTotals: `
    INSERT INTO reporting.month_totals AS t (workspace_id, month, segment, touch_model, phase, owner, plan, ${totalColumns.join(', ')})
    SELECT $1, month, segment, "touchModel", phase, owner, plan, ${MRR_TOTAL_FIELDS.map((f) => `"${f}"`).join(', ')}
    FROM ${recordset(
      {
        month: 'date',
        ...SLICE_RECORDSET_COLUMNS,
        ...Object.fromEntries(MRR_TOTAL_FIELDS.map((f) => [f, 'bigint'])),
      },
      { param: 2 },
    )}
    ON CONFLICT (workspace_id, month, segment, touch_model, phase, owner, plan) DO UPDATE SET
      ${totalColumns.map((c) => `${c} = t.${c} + EXCLUDED.${c}`).join(', ')}`,
  addToWorkspaceMonthTotals: `
    INSERT INTO reporting.workspace_month_totals AS t (workspace_id, month, ${totalColumns.join(', ')})
    SELECT $1, month, ${MRR_TOTAL_FIELDS.map((f) => `"${f}"`).join(', ')}
    FROM ${recordset(
      { month: 'date', ...Object.fromEntries(MRR_TOTAL_FIELDS.map((f) => [f, 'bigint'])) },
      { param: 2 },
    )}
    ON CONFLICT (workspace_id, month) DO UPDATE SET
      ${totalColumns.map((c) => `${c} = t.${c} + EXCLUDED.${c}`).join(', ')}`,
  onboardingRecounts: `
    SELECT account_id, (extract(epoch FROM first_started_at) * 1000)::bigint::text AS first_started_ms,
           (extract(epoch FROM onboarding_completed_at) * 1000)::bigint::text AS completed_ms,
           onboarding_month::text AS month, onboarding_completed AS completed
    FROM reporting.accounts WHERE workspace_id = $1 AND account_id = ANY($2)
    ORDER BY account_id FOR UPDATE`,
  recordOnboardingCounts: `
    UPDATE reporting.accounts a SET onboarding_month = r.month, onboarding_completed = r.completed
    FROM ${recordset({ accountId: 'text', month: 'date', completed: 'boolean' }, { param: 2 })}
    WHERE a.workspace_id = $1 AND a.account_id = r."accountId"`,
  addToOnboardingTotals: `
    INSERT INTO reporting.onboarding_month_totals AS t (workspace_id, month, started, completed)
    SELECT $1, month, started, completed
    FROM ${recordset({ month: 'date', started: 'int', completed: 'int' }, { param: 2 })}
    ON CONFLICT (workspace_id, month) DO UPDATE SET started = t.started + EXCLUDED.started,
      completed = t.completed + EXCLUDED.completed`,
  deleteMovements: 'DELETE FROM reporting.mrr_movements WHERE workspace_id = $1 AND account_id = ANY($2)',
  insertMovements: `
    INSERT INTO reporting.mrr_movements (workspace_id, account_id, occurred_at, event_id, type, amount, from_mrr, to_mrr)
    SELECT $1, "accountId", at, "eventId", type, amount, "fromMrr", "toMrr"
    FROM ${recordset(
      {
        accountId: 'text',
        at: 'timestamptz',
        eventId: 'text',
        type: 'text',
        amount: 'bigint',
        fromMrr: 'bigint',
        toMrr: 'bigint',
      },
      { param: 2 },
    )}`,
  deleteConversionErrors:
    'DELETE FROM reporting.conversion_errors WHERE workspace_id = $1 AND account_id = ANY($2)',
  insertConversionErrors: `
    INSERT INTO reporting.conversion_errors (event_id, workspace_id, account_id, subscription_id, occurred_at, currency, amount)
    SELECT "eventId", $1, "accountId", "subscriptionId", at, currency, amount
    FROM ${recordset(
      {
        eventId: 'text',
        accountId: 'text',
        subscriptionId: 'text',
        at: 'timestamptz',
        currency: 'text',
        amount: 'numeric',
      },
      { param: 2 },
    )}`,
  behindHorizon: `
    SELECT workspace_id, account_id FROM reporting.accounts
    WHERE derived_through < $1 AND (current_mrr > 0 OR last_movement_at >= $2)
    ORDER BY workspace_id, account_id LIMIT $3`,
  cohortCells: `
    WITH cohort AS (
      SELECT account_id, date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date AS cohort
      FROM reporting.mrr_movements
      WHERE workspace_id = $1 AND type = 'new' AND occurred_at >= $2 AND occurred_at < $3
    ), sizes AS (SELECT cohort, count(*) AS size FROM cohort GROUP BY cohort)
    SELECT to_char(c.cohort, 'YYYY-MM') AS cohort, to_char(am.month, 'YYYY-MM') AS month,
           s.size::text, count(*) FILTER (WHERE am.end_mrr > 0)::text AS paying, sum(am.end_mrr)::text AS mrr
    FROM cohort c
    JOIN sizes s USING (cohort)
    JOIN reporting.account_months am
      ON am.workspace_id = $1 AND am.account_id = c.account_id AND am.month >= c.cohort AND am.month <= $4::date
    GROUP BY c.cohort, am.month, s.size
    ORDER BY c.cohort, am.month`,
  updateAccounts: `
    UPDATE reporting.accounts a SET first_started_at = r."firstStartedAt", current_mrr = r."currentMrr",
      last_movement_at = r."lastMovementAt", derived_through = r."derivedThrough"
    FROM ${recordset(
      {
        accountId: 'text',
        firstStartedAt: 'timestamptz',
        currentMrr: 'bigint',
        lastMovementAt: 'timestamptz',
        derivedThrough: 'date',
      },
      { param: 2 },
    )}
    WHERE a.workspace_id = $1 AND a.account_id = r."accountId"`,
});

/** One subscription event of the ledger, as stored. */
export interface LedgerRow {
  event_id: string;
  account_id: string;
  subscription_id: string;
  kind: SubscriptionEventKind;
  at_ms: string;
  mrr: string | null;
  currency: string | null;
}

/** One account month as stored (what it contributed to the month totals). */
export interface StoredMonth {
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

/**
 * An account's MRR as derived from its subscription ledger: the account row (the lock writers
 * take), its months, movements and conversion errors, and their share of the month totals.
 * Every method runs in the caller's transaction.
 */
@Injectable()
export class MrrRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Accounts derived only up to a month before `month` that still have MRR or had a movement
   * since `movedSince` (the first `limit`, by workspace and account).
   */
  behindHorizon(
    month: string,
    movedSince: string,
    limit: number,
  ): Promise<{ workspace_id: string; account_id: string }[]> {
    return this.dataSource.query(sql.behindHorizon, [month, movedSince, limit]);
  }

  /**
   * The cohorts of accounts whose new business fell in [from, until), with each month to
   * `lastMonth`: the cohort's size, its accounts still paying and their MRR.
   */
  cohortCells(
    workspaceId: string,
    from: string,
    until: string,
    lastMonth: string,
  ): Promise<{ cohort: string; month: string; size: string; paying: string; mrr: string }[]> {
    return this.dataSource.query(sql.cohortCells, [workspaceId, from, until, lastMonth]);
  }

  /** Creates the accounts' rows when missing and locks them, in id order. */
  async lockAccounts(m: EntityManager, workspaceId: string, ids: readonly string[]): Promise<void> {
    await m.query(sql.ensureAccounts, [workspaceId, ids]);
    await m.query(sql.lockAccounts, [workspaceId, ids]);
  }

  /** Records subscription events in the ledger (a replayed one adds nothing), in the caller's transaction. */
  async insertSubscriptionEvents(m: EntityManager, events: readonly object[]): Promise<void> {
    if (events.length > 0) await m.query(sql.insertSubscriptionEvents, [recordsetParam(events)]);
  }

  /** The accounts of a workspace that have subscription events, in id order. */
  async accountsWithLedger(workspaceId: string): Promise<string[]> {
    const rows: { account_id: string }[] = await this.dataSource.query(sql.accountsWithLedger, [workspaceId]);
    return rows.map((r) => r.account_id);
  }

  /**
   * Each account's latest profile (by event time, then event id): when onboarding completed, and
   * the profile update it comes from; an older update changes nothing.
   */
  async recordProfiles(m: EntityManager, workspaceId: string, profiles: readonly object[]): Promise<void> {
    await m.query(sql.recordProfiles, [workspaceId, recordsetParam(profiles)]);
  }

  ledger(m: EntityManager, workspaceId: string, ids: readonly string[]): Promise<LedgerRow[]> {
    return m.query(sql.ledger, [workspaceId, ids]);
  }

  /** Deletes the accounts' months, answering them (their contributions are taken out of the totals). */
  async deleteAccountMonths(
    m: EntityManager,
    workspaceId: string,
    ids: readonly string[],
  ): Promise<StoredMonth[]> {
    return returnedRows<StoredMonth>(await m.query(sql.deleteAccountMonths, [workspaceId, ids]));
  }

  async insertAccountMonths(m: EntityManager, workspaceId: string, months: readonly object[]): Promise<void> {
    if (months.length > 0) await m.query(sql.insertAccountMonths, [workspaceId, recordsetParam(months)]);
  }

  /** Adds deltas to the month totals; the caller orders them by key (so concurrent writers never deadlock). */
  async addToMonthTotals(m: EntityManager, workspaceId: string, rows: readonly object[]): Promise<void> {
    if (rows.length > 0) await m.query(sql.addToMonthTotals, [workspaceId, recordsetParam(rows)]);
  }

  /** Adds deltas to the workspace's month totals (every slice together), in the month order given. */
  async addToWorkspaceMonthTotals(
    m: EntityManager,
    workspaceId: string,
    rows: readonly object[],
  ): Promise<void> {
    if (rows.length > 0) await m.query(sql.addToWorkspaceMonthTotals, [workspaceId, recordsetParam(rows)]);
  }

  /**
   * Locks the accounts' rows (in id order) and answers, for each, its first start and onboarding
   * completion as they stand and what it is counted for in the onboarding totals.
   */
  async onboardingStates(
    m: EntityManager,
    workspaceId: string,
    ids: readonly string[],
  ): Promise<OnboardingState[]> {
    const rows: {
      account_id: string;
      first_started_ms: string | null;
      completed_ms: string | null;
      month: string | null;
      completed: boolean;
    }[] = await m.query(sql.onboardingRecounts, [workspaceId, ids]);
    return rows.map((r) => ({
      accountId: r.account_id,
      firstStartedAt: r.first_started_ms === null ? null : Number(r.first_started_ms),
      completedAt: r.completed_ms === null ? null : Number(r.completed_ms),
      recorded: r.month === null ? null : { month: r.month, completed: r.completed },
    }));
  }

  /** Records what the accounts are counted for, and adds the deltas to the onboarding totals (in month order). */
  async recordOnboardingCounts(
    m: EntityManager,
    workspaceId: string,
    counts: readonly { accountId: string; month: string | null; completed: boolean }[],
    deltas: readonly OnboardingMonthDelta[],
  ): Promise<void> {
    if (counts.length > 0) await m.query(sql.recordOnboardingCounts, [workspaceId, recordsetParam(counts)]);
    if (deltas.length > 0) await m.query(sql.addToOnboardingTotals, [workspaceId, recordsetParam(deltas)]);
  }

  async replaceMovements(
    m: EntityManager,
    workspaceId: string,
    ids: readonly string[],
    movements: readonly object[],
  ): Promise<void> {
    await m.query(sql.deleteMovements, [workspaceId, ids]);
    if (movements.length > 0) await m.query(sql.insertMovements, [workspaceId, recordsetParam(movements)]);
  }

  async replaceConversionErrors(
    m: EntityManager,
    workspaceId: string,
    ids: readonly string[],
    errors: readonly object[],
  ): Promise<void> {
    await m.query(sql.deleteConversionErrors, [workspaceId, ids]);
    if (errors.length > 0) await m.query(sql.insertConversionErrors, [workspaceId, recordsetParam(errors)]);
  }

  /** Each account's summary: first start, current MRR, last movement, the month it is derived through. */
  async updateAccounts(m: EntityManager, workspaceId: string, accounts: readonly object[]): Promise<void> {
    await m.query(sql.updateAccounts, [workspaceId, recordsetParam(accounts)]);
  }
}
