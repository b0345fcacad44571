import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { HealthBand, LifecyclePhase, SubscriptionStatus, TouchModel } from '@tsuzuku/contracts';
import { defineStatements, keyArrays, recordset, recordsetParam } from '@tsuzuku/platform-database';
import { AccountContract, AccountSnapshot, accountKey } from './account-store';

interface AccountRow {
  workspace_id: string;
  account_id: string;
  name: string | null;
  plan: string | null;
  mrr: string | null;
  subscription_status: SubscriptionStatus | null;
  seats: number | null;
  renewal_date: string | null;
  csm_email: string | null;
  segment: string | null;
  touch_model: string | null;
  phase: string | null;
  band: string | null;
  score: string | null;
  onboarding_complete: boolean;
  contact_email: string | null;
  profile_at: Date | null;
}

/** The profile an account.updated brings. */
export interface AccountProfile extends AccountContract {
  readonly segment: string | null;
  readonly touchModel: TouchModel;
  readonly phase: LifecyclePhase;
  readonly band: HealthBand | null;
  readonly score: number | null;
  readonly onboardingComplete: boolean;
  /** When the profile stands for: an older one than stored changes nothing. */
  readonly profileAt: string;
}

type Key = { readonly workspaceId: string; readonly accountId: string };

const KEYS = `unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)`;

const SQL = defineStatements('playbooks.accounts', {
  snapshots: `
    SELECT a.*, coalesce(a.group_contact_email, (
        SELECT mb.email FROM playbooks.members mb
        WHERE mb.workspace_id = a.workspace_id AND mb.account_id = a.account_id AND mb.email IS NOT NULL
        ORDER BY mb.email_at DESC LIMIT 1)) AS contact_email
    FROM playbooks.accounts a JOIN ${KEYS} USING (workspace_id, account_id)`,
  eventsSeen: `
    SELECT e.workspace_id, e.account_id, e.name, e.last_at FROM playbooks.account_events e
    JOIN ${KEYS} USING (workspace_id, account_id)`,
  profileStates: `
    SELECT a.workspace_id, a.account_id, a.csm_email, a.profile_at FROM playbooks.accounts a
    JOIN ${KEYS} USING (workspace_id, account_id)`,
  profiledPhases: `
    SELECT a.workspace_id, a.account_id, a.phase FROM playbooks.accounts a
    JOIN ${KEYS} USING (workspace_id, account_id)
    WHERE a.profile_at IS NOT NULL`,
  // An older snapshot than the one stored changes nothing (the topic is ordered per account; this guards replays).
  upsertProfiles: `
    INSERT INTO playbooks.accounts AS a (workspace_id, account_id, name, plan, mrr, seats, renewal_date, csm_email, segment,
      touch_model, phase, band, score, onboarding_complete, profile_at, subscription_status)
    SELECT * FROM ${recordset({
      workspaceId: 'text',
      accountId: 'text',
      name: 'text',
      plan: 'text',
      mrr: 'numeric',
      seats: 'integer',
      renewalDate: 'text',
      csmEmail: 'text',
      segment: 'text',
      touchModel: 'text',
      phase: 'text',
      band: 'text',
      score: 'numeric',
      onboardingComplete: 'boolean',
      profileAt: 'timestamptz',
      subscriptionStatus: 'text',
    })}
    ON CONFLICT (workspace_id, account_id) DO UPDATE SET name = EXCLUDED.name, plan = EXCLUDED.plan, mrr = EXCLUDED.mrr,
      subscription_status = EXCLUDED.subscription_status,
      seats = EXCLUDED.seats, renewal_date = EXCLUDED.renewal_date, csm_email = EXCLUDED.csm_email, segment = EXCLUDED.segment,
      touch_model = EXCLUDED.touch_model, phase = EXCLUDED.phase, band = EXCLUDED.band, score = EXCLUDED.score,
      onboarding_complete = EXCLUDED.onboarding_complete, profile_at = EXCLUDED.profile_at
    WHERE a.profile_at IS NULL OR a.profile_at <= EXCLUDED.profile_at`,
  upsertGroupContact: `
    INSERT INTO playbooks.accounts AS a (workspace_id, account_id, group_contact_email) VALUES ($1, $2, $3)
    ON CONFLICT (workspace_id, account_id) DO UPDATE SET group_contact_email = coalesce(EXCLUDED.group_contact_email, a.group_contact_email)`,
  upsertMemberAccount: `
    INSERT INTO playbooks.members AS mb (workspace_id, user_id, account_id) VALUES ($1, $2, $3)
    ON CONFLICT (workspace_id, user_id) DO UPDATE SET account_id = EXCLUDED.account_id`,
  upsertMemberEmail: `
    INSERT INTO playbooks.members AS mb (workspace_id, user_id, account_id, email, email_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (workspace_id, user_id) DO UPDATE SET email = EXCLUDED.email, email_at = EXCLUDED.email_at,
      account_id = coalesce(EXCLUDED.account_id, mb.account_id)
    WHERE mb.email_at IS NULL OR mb.email_at <= EXCLUDED.email_at`,
  upsertEventsSeen: `
    INSERT INTO playbooks.account_events AS ae (workspace_id, account_id, name, last_at)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[])
    ON CONFLICT (workspace_id, account_id, name) DO UPDATE SET last_at = greatest(ae.last_at, EXCLUDED.last_at)`,
  renewingBetween: `
    SELECT account_id FROM playbooks.accounts WHERE workspace_id = $1 AND profile_at IS NOT NULL
      AND left(renewal_date, 10) BETWEEN $2 AND $3 ORDER BY account_id`,
  profiledWithoutRun: `
    SELECT account_id FROM playbooks.accounts a WHERE workspace_id = $1 AND profile_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM playbooks.runs r WHERE r.playbook_id = $2 AND r.account_id = a.account_id AND r.trigger_key = $3)
    ORDER BY account_id`,
  renewalDates: `SELECT account_id, renewal_date FROM playbooks.accounts WHERE workspace_id = $1 AND account_id = ANY($2)`,
});

/**
 * What the service knows of accounts (playbooks.accounts), their members' emails
 * (playbooks.members) and the track events seen (playbooks.account_events).
 */
@Injectable()
export class AccountProfileRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The snapshots of these accounts (with their contact and events seen), by accountKey. */
  async load(m: EntityManager, keys: readonly Key[]): Promise<Map<string, AccountSnapshot>> {
    const out = new Map<string, AccountSnapshot>();
    if (keys.length === 0) return out;
    const rows: AccountRow[] = await m.query(SQL.snapshots, keyArrays(keys));
    const events: { workspace_id: string; account_id: string; name: string; last_at: Date }[] = await m.query(
      SQL.eventsSeen,
      keyArrays(keys),
    );
    const seen = new Map<string, Map<string, string>>();
    for (const e of events) {
      const key = accountKey(e.workspace_id, e.account_id);
      const names = seen.get(key) ?? new Map<string, string>();
      names.set(e.name, e.last_at.toISOString());
      seen.set(key, names);
    }
    for (const r of rows) {
      const key = accountKey(r.workspace_id, r.account_id);
      out.set(key, {
        workspaceId: r.workspace_id,
        accountId: r.account_id,
        name: r.name,
        plan: r.plan,
        mrr: r.mrr === null ? null : Number(r.mrr),
        subscriptionStatus: r.subscription_status,
        seats: r.seats,
        renewalDate: r.renewal_date,
        csmEmail: r.csm_email,
        segment: r.segment,
        touchModel: r.touch_model as TouchModel | null,
        phase: r.phase as LifecyclePhase | null,
        band: r.band as HealthBand | null,
        score: r.score === null ? null : Number(r.score),
        onboardingComplete: r.onboarding_complete,
        contactEmail: r.contact_email,
        profiled: r.profile_at !== null,
        eventsSeen: seen.get(key) ?? new Map(),
      });
    }
    return out;
  }

  /** The phase stored for each of these accounts that has a profile, by accountKey. */
  async profiledPhases(m: EntityManager, keys: readonly Key[]): Promise<Map<string, LifecyclePhase | null>> {
    const phases = new Map<string, LifecyclePhase | null>();
    if (keys.length === 0) return phases;
    const rows: { workspace_id: string; account_id: string; phase: LifecyclePhase | null }[] = await m.query(
      SQL.profiledPhases,
      keyArrays(keys),
    );
    for (const r of rows) phases.set(accountKey(r.workspace_id, r.account_id), r.phase);
    return phases;
  }

  /**
   * Each account's stored owner (null when it has none or is not known yet) and the moment its
   * stored profile stands for (null before the first); accounts not stored are left out.
   */
  async profileStates(
    m: EntityManager,
    keys: readonly Key[],
  ): Promise<Map<string, { owner: string | null; profileAt: Date | null }>> {
    const states = new Map<string, { owner: string | null; profileAt: Date | null }>();
    if (keys.length === 0) return states;
    const rows: {
      workspace_id: string;
      account_id: string;
      csm_email: string | null;
      profile_at: Date | null;
    }[] = await m.query(SQL.profileStates, keyArrays(keys));
    for (const r of rows)
      states.set(accountKey(r.workspace_id, r.account_id), { owner: r.csm_email, profileAt: r.profile_at });
    return states;
  }

  /**
   * Stores profiles, one per account, each unless a newer one is stored. Sorted by key, so two
   * writers lock the same rows in one order.
   */
  async upsertProfiles(m: EntityManager, profiles: readonly AccountProfile[]): Promise<void> {
    if (profiles.length === 0) return;
    const sorted = [...profiles].sort((a, b) =>
      accountKey(a.workspaceId, a.accountId) < accountKey(b.workspaceId, b.accountId) ? -1 : 1,
    );
    await m.query(SQL.upsertProfiles, [recordsetParam(sorted)]);
  }

  /** The group's contact email (a null one keeps the known one). */
  async upsertGroupContact(m: EntityManager, key: Key, contactEmail: string | null): Promise<void> {
    await m.query(SQL.upsertGroupContact, [key.workspaceId, key.accountId, contactEmail]);
  }

  /** A member joins an account (a group call). */
  async upsertMemberAccount(
    m: EntityManager,
    workspaceId: string,
    userId: string,
    accountId: string,
  ): Promise<void> {
    await m.query(SQL.upsertMemberAccount, [workspaceId, userId, accountId]);
  }

  /** A member's email as of `at` (an identify call); an older one changes nothing. */
  async upsertMemberEmail(
    m: EntityManager,
    member: { workspaceId: string; userId: string; accountId: string | null; email: string; at: string },
  ): Promise<void> {
    await m.query(SQL.upsertMemberEmail, [
      member.workspaceId,
      member.userId,
      member.accountId,
      member.email,
      member.at,
    ]);
  }

  /** The latest time each event was seen per account; the caller sorts them (lock order). */
  async upsertEventsSeen(
    m: EntityManager,
    seen: readonly { workspaceId: string; accountId: string; name: string; at: string }[],
  ): Promise<void> {
    if (seen.length === 0) return;
    await m.query(SQL.upsertEventsSeen, [...keyArrays(seen), seen.map((v) => v.name), seen.map((v) => v.at)]);
  }

  /** Profiled accounts of a workspace renewing between two dates (YYYY-MM-DD, inclusive). */
  async renewingBetween(workspaceId: string, first: string, last: string): Promise<string[]> {
    const rows: { account_id: string }[] = await this.dataSource.query(SQL.renewingBetween, [
      workspaceId,
      first,
      last,
    ]);
    return rows.map((r) => r.account_id);
  }

  /** Profiled accounts of a workspace without a run of the playbook under this trigger key. */
  async profiledWithoutRun(workspaceId: string, playbookId: string, triggerKey: string): Promise<string[]> {
    const rows: { account_id: string }[] = await this.dataSource.query(SQL.profiledWithoutRun, [
      workspaceId,
      playbookId,
      triggerKey,
    ]);
    return rows.map((r) => r.account_id);
  }

  /** The renewal dates of these accounts of a workspace. */
  async renewalDates(
    m: EntityManager,
    workspaceId: string,
    accountIds: readonly string[],
  ): Promise<Map<string, string | null>> {
    const rows: { account_id: string; renewal_date: string | null }[] = await m.query(SQL.renewalDates, [
      workspaceId,
      accountIds,
    ]);
    return new Map(rows.map((r) => [r.account_id, r.renewal_date]));
  }
}
