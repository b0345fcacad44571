import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements, keyArrays, recordset, recordsetParam } from '@tsuzuku/platform-database';
import type { ChurnRisk } from '@tsuzuku/contracts';
import { StoredMeasure } from '../scorecards/domain/stored-measures';
import { AccountKey, keyOf } from './domain/account-key';
import { AccountRow } from './domain/account-row';
import { dayOrNull, isoOrNull, numberOrNull } from './row-values';

const ACCOUNT_COLUMNS = `workspace_id, account_id, name, plan, mrr, seats, renewal_date::text AS renewal_date, owner, owner_at,
  segment, industry, traits, traits_at, touch_trait, phase_trait, expansion, onboarding_done, onboarding_steps_at, subscriptions,
  features_used, first_seen_at, last_seen_at, last_sign_in_at, latest_nps, latest_nps_at, phase, touch_model, computed_score, score, band,
  coverage, scorecard_id, measures, scored_at, published_fingerprint, churned_at, churn_risk`;

const SQL = defineStatements('health-scoring.account-profiles', {
  // An account not created yet has no row to lock: without this, two replicas handling its first
  // events at once (a user's events and its group call travel under different keys) both score it,
  // and the outbox row written first may commit last, so cs.health.v1 carried the older state after
  // the newer one. A lock per key, taken in the callers' sorted order, serialises them as the row
  // lock does for an existing account.
  lockKeys: `
    SELECT pg_advisory_xact_lock(hashtextextended(k.workspace_id || E'\\n' || k.account_id, 0))
    FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(workspace_id, account_id, n) ORDER BY k.n`,
  lockMany: `
    SELECT ${ACCOUNT_COLUMNS} FROM health_scoring.accounts a
    JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(workspace_id, account_id, n) USING (workspace_id, account_id)
    ORDER BY k.n FOR UPDATE OF a`,
  settledKeysOfWorkspace: `
    SELECT account_id FROM health_scoring.accounts a WHERE workspace_id = $1
      AND NOT EXISTS (SELECT 1 FROM health_scoring.backfill_pending p
        WHERE p.workspace_id = a.workspace_id AND p.account_id = a.account_id)
    ORDER BY account_id`,
  saveMany: `
    INSERT INTO health_scoring.accounts AS a (workspace_id, account_id, name, plan, mrr, seats, renewal_date, owner, owner_at,
      segment, industry, traits, traits_at, touch_trait, phase_trait, expansion, onboarding_done, onboarding_steps_at,
      subscriptions, features_used, first_seen_at, last_seen_at, last_sign_in_at, latest_nps, latest_nps_at, phase, touch_model,
      computed_score, score, band, coverage, scorecard_id, measures, scored_at, published_fingerprint, churned_at, updated_at)
    SELECT r.workspace_id, r.account_id, r.name, r.plan, r.mrr, r.seats, r.renewal_date, r.owner, r.owner_at, r.segment,
      r.industry, r.traits, r.traits_at, r.touch_trait, r.phase_trait, r.expansion,
      r.onboarding_done, r.onboarding_steps_at, r.subscriptions, r.features_used,
      r.first_seen_at, r.last_seen_at, r.last_sign_in_at, r.latest_nps, r.latest_nps_at, r.phase, r.touch_model,
      r.computed_score, r.score, r.band, r.coverage, r.scorecard_id, r.measures, r.scored_at, r.published_fingerprint, r.churned_at,
      now()
    FROM ${recordset({
      workspace_id: 'text',
      account_id: 'text',
      name: 'text',
      plan: 'text',
      mrr: 'numeric',
      seats: 'integer',
      renewal_date: 'date',
      owner: 'text',
      owner_at: 'timestamptz',
      segment: 'text',
      industry: 'text',
      traits: 'jsonb',
      traits_at: 'jsonb',
      touch_trait: 'text',
      phase_trait: 'text',
      expansion: 'boolean',
      onboarding_done: 'text[]',
      onboarding_steps_at: 'jsonb',
      subscriptions: 'jsonb',
      features_used: 'text[]',
      first_seen_at: 'timestamptz',
      last_seen_at: 'timestamptz',
      last_sign_in_at: 'timestamptz',
      latest_nps: 'integer',
      latest_nps_at: 'timestamptz',
      phase: 'text',
      touch_model: 'text',
      computed_score: 'numeric',
      score: 'numeric',
      band: 'text',
      coverage: 'numeric',
      scorecard_id: 'uuid',
      measures: 'jsonb',
      scored_at: 'timestamptz',
      published_fingerprint: 'text',
      churned_at: 'timestamptz',
    })}
    ON CONFLICT (workspace_id, account_id) DO UPDATE SET
      name = EXCLUDED.name, plan = EXCLUDED.plan, mrr = EXCLUDED.mrr, seats = EXCLUDED.seats,
      renewal_date = EXCLUDED.renewal_date, owner = EXCLUDED.owner, owner_at = EXCLUDED.owner_at, segment = EXCLUDED.segment,
      industry = EXCLUDED.industry, traits = EXCLUDED.traits, traits_at = EXCLUDED.traits_at, touch_trait = EXCLUDED.touch_trait,
      phase_trait = EXCLUDED.phase_trait, expansion = EXCLUDED.expansion, onboarding_done = EXCLUDED.onboarding_done,
      onboarding_steps_at = EXCLUDED.onboarding_steps_at, subscriptions = EXCLUDED.subscriptions,
      features_used = EXCLUDED.features_used, first_seen_at = EXCLUDED.first_seen_at,
      last_seen_at = EXCLUDED.last_seen_at, last_sign_in_at = EXCLUDED.last_sign_in_at,
      latest_nps = EXCLUDED.latest_nps, latest_nps_at = EXCLUDED.latest_nps_at, phase = EXCLUDED.phase,
      touch_model = EXCLUDED.touch_model, computed_score = EXCLUDED.computed_score, score = EXCLUDED.score,
      band = EXCLUDED.band, coverage = EXCLUDED.coverage, scorecard_id = EXCLUDED.scorecard_id,
      measures = EXCLUDED.measures, scored_at = EXCLUDED.scored_at,
      published_fingerprint = EXCLUDED.published_fingerprint, churned_at = EXCLUDED.churned_at, updated_at = now()`,
  peerValues: `
    SELECT a.account_id, (x->>'value') AS value FROM health_scoring.accounts a, jsonb_array_elements(a.measures) x
    WHERE a.workspace_id = $1 AND lower(a.segment) IS NOT DISTINCT FROM lower($2) AND x->>'metric' = $3`,
  // Accounts of an owner (case-insensitive, as the accounts list filters), optionally among given ids.
  keysOfOwner: `
    SELECT account_id FROM health_scoring.accounts
    WHERE workspace_id = $1 AND lower(owner) = lower($2) AND ($3::text[] IS NULL OR account_id = ANY($3::text[]))
    ORDER BY account_id LIMIT $4`,
  workspaces: 'SELECT DISTINCT workspace_id FROM health_scoring.accounts ORDER BY workspace_id',
  // Segments are trait values: compared without regard to case.
  countOfSegment: `
    SELECT count(*)::int AS n FROM health_scoring.accounts WHERE workspace_id = $1 AND lower(segment) = lower($2)`,
});

function toAccountRow(r: Record<string, unknown>): AccountRow {
  return {
    workspaceId: r['workspace_id'] as string,
    accountId: r['account_id'] as string,
    name: (r['name'] as string | null) ?? null,
    plan: (r['plan'] as string | null) ?? null,
    mrr: numberOrNull(r['mrr']),
    seats: numberOrNull(r['seats']),
    renewalDate: dayOrNull(r['renewal_date']),
    owner: (r['owner'] as string | null) ?? null,
    ownerAt: isoOrNull(r['owner_at']),
    segment: (r['segment'] as string | null) ?? null,
    industry: (r['industry'] as string | null) ?? null,
    traits: (r['traits'] as Record<string, unknown>) ?? {},
    traitsAt: (r['traits_at'] as Record<string, string>) ?? {},
    touchTrait: (r['touch_trait'] as string | null) ?? null,
    phaseTrait: (r['phase_trait'] as string | null) ?? null,
    expansion: Boolean(r['expansion']),
    onboardingDone: (r['onboarding_done'] as string[]) ?? [],
    onboardingStepsAt: (r['onboarding_steps_at'] as Record<string, string>) ?? {},
    subscriptions: (r['subscriptions'] as AccountRow['subscriptions']) ?? {},
    featuresUsed: (r['features_used'] as string[]) ?? [],
    firstSeenAt: isoOrNull(r['first_seen_at'])!,
    lastSeenAt: isoOrNull(r['last_seen_at']),
    lastSignInAt: isoOrNull(r['last_sign_in_at']),
    latestNps: numberOrNull(r['latest_nps']),
    latestNpsAt: isoOrNull(r['latest_nps_at']),
    phase: r['phase'] as string,
    touchModel: r['touch_model'] as string,
    computedScore: numberOrNull(r['computed_score']),
    score: numberOrNull(r['score']),
    band: (r['band'] as string | null) ?? null,
    coverage: Number(r['coverage'] ?? 0),
    scorecardId: (r['scorecard_id'] as string | null) ?? null,
    measures: (r['measures'] as StoredMeasure[]) ?? [],
    scoredAt: isoOrNull(r['scored_at']),
    publishedFingerprint: (r['published_fingerprint'] as string | null) ?? null,
    churnedAt: isoOrNull(r['churned_at']),
    churnRisk: (r['churn_risk'] as ChurnRisk | null) ?? null,
  };
}

/** The accounts as the scoring keeps them: profile, lifecycle, health and what was last announced. */
@Injectable()
export class AccountProfileRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Locks and reads accounts (in key order); missing ones are absent from the map. */
  async lockMany(m: EntityManager, keys: readonly AccountKey[]): Promise<Map<string, AccountRow>> {
    if (keys.length === 0) return new Map();
    await m.query(SQL.lockKeys, keyArrays(keys));
    const rows: Record<string, unknown>[] = await m.query(SQL.lockMany, keyArrays(keys));
    return new Map(rows.map((r) => [keyOf(toAccountRow(r)), toAccountRow(r)]));
  }

  /** The workspace's accounts, but those whose backfill has not settled (their turn comes then). */
  async settledKeysOf(workspaceId: string): Promise<AccountKey[]> {
    const rows: { account_id: string }[] = await this.dataSource.query(SQL.settledKeysOfWorkspace, [
      workspaceId,
    ]);
    return rows.map((r) => ({ workspaceId, accountId: r.account_id }));
  }

  /** Writes whole account rows (insert or replace). */
  async saveMany(m: EntityManager, rows: readonly AccountRow[]): Promise<void> {
    if (rows.length === 0) return;
    await m.query(SQL.saveMany, [
      recordsetParam(
        rows.map((r) => ({
          workspace_id: r.workspaceId,
          account_id: r.accountId,
          name: r.name,
          plan: r.plan,
          mrr: r.mrr,
          seats: r.seats,
          renewal_date: r.renewalDate,
          owner: r.owner,
          owner_at: r.ownerAt,
          segment: r.segment,
          industry: r.industry,
          traits: r.traits,
          traits_at: r.traitsAt,
          touch_trait: r.touchTrait,
          phase_trait: r.phaseTrait,
          expansion: r.expansion,
          onboarding_done: r.onboardingDone,
          onboarding_steps_at: r.onboardingStepsAt,
          subscriptions: r.subscriptions,
          features_used: r.featuresUsed,
          first_seen_at: r.firstSeenAt,
          last_seen_at: r.lastSeenAt,
          last_sign_in_at: r.lastSignInAt,
          latest_nps: r.latestNps,
          latest_nps_at: r.latestNpsAt,
          phase: r.phase,
          touch_model: r.touchModel,
          computed_score: r.computedScore,
          score: r.score,
          band: r.band,
          coverage: r.coverage,
          scorecard_id: r.scorecardId,
          measures: r.measures,
          scored_at: r.scoredAt,
          published_fingerprint: r.publishedFingerprint,
          churned_at: r.churnedAt,
        })),
      ),
    ]);
  }

  /** One metric's values among the accounts of a segment, from their last scoring. */
  async peerValues(
    m: EntityManager,
    workspaceId: string,
    segment: string | null,
    metric: string,
  ): Promise<{ accountId: string; value: number }[]> {
    const rows: { account_id: string; value: string | null }[] = await m.query(SQL.peerValues, [
      workspaceId,
      segment,
      metric,
    ]);
    return rows
      .filter((r) => r.value !== null)
      .map((r) => ({ accountId: r.account_id, value: Number(r.value) }));
  }

  /** Up to `limit` accounts the owner has (case-insensitive), among `among` when given, by account id. */
  async keysOfOwner(
    workspaceId: string,
    owner: string,
    among: readonly string[] | null,
    limit: number,
  ): Promise<AccountKey[]> {
    const rows: { account_id: string }[] = await this.dataSource.query(SQL.keysOfOwner, [
      workspaceId,
      owner,
      among,
      limit,
    ]);
    return rows.map((r) => ({ workspaceId, accountId: r.account_id }));
  }

  /** How many accounts of the workspace are in a segment (compared without regard to case). */
  async countOfSegment(workspaceId: string, segment: string): Promise<number> {
    const [row] = (await this.dataSource.query(SQL.countOfSegment, [workspaceId, segment])) as {
      n: number;
    }[];
    return row?.n ?? 0;
  }

  /** Workspaces that have accounts. */
  async workspaces(): Promise<string[]> {
    const rows: { workspace_id: string }[] = await this.dataSource.query(SQL.workspaces);
    return rows.map((r) => r.workspace_id);
  }
}
