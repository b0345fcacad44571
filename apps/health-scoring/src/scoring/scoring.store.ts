import { EntityManager } from 'typeorm';
import { MeasureResult } from '../scorecards/domain/health-score.calculator';
import { UsageDay } from './domain/metrics';
import { AccountPast } from './domain/past-facts';

/** An account row as the engine reads and writes it. */
export interface AccountRow {
  workspaceId: string;
  accountId: string;
  name: string | null;
  plan: string | null;
  mrr: number | null;
  seats: number | null;
  renewalDate: string | null;
  csmEmail: string | null;
  segment: string | null;
  industry: string | null;
  traits: Record<string, unknown>;
  touchTrait: string | null;
  phaseTrait: string | null;
  expansion: boolean;
  onboardingDone: string[];
  /** Event time at which each onboarding step was first completed. */
  onboardingStepsAt: Record<string, string>;
  /** Each subscription's state after its latest event by event time (id '' for events naming none). */
  subscriptions: Record<string, { active: boolean; at: string }>;
  featuresUsed: string[];
  firstSeenAt: string;
  lastSeenAt: string | null;
  lastSignInAt: string | null;
  latestNps: number | null;
  latestNpsAt: string | null;
  phase: string;
  touchModel: string;
  computedScore: number | null;
  score: number | null;
  band: string | null;
  coverage: number;
  scorecardId: string | null;
  measures: MeasureResult[];
  scoredAt: string | null;
  /** Fingerprint of the last account.updated published for the account (see ScoringEngine). */
  publishedFingerprint: string | null;
}

export interface AccountKey {
  readonly workspaceId: string;
  readonly accountId: string;
}

export const keyOf = (k: AccountKey): string => `${k.workspaceId}\u0000${k.accountId}`;

/** Keys in one order everywhere, so concurrent transactions lock rows in the same order. */
export function sortedKeys(keys: Iterable<AccountKey>): AccountKey[] {
  const unique = new Map<string, AccountKey>();
  for (const k of keys) unique.set(keyOf(k), { workspaceId: k.workspaceId, accountId: k.accountId });
  return [...unique.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, k]) => k);
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const iso = (v: unknown): string | null =>
  v === null || v === undefined ? null : new Date(v as string).toISOString();
const date = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
};

const ACCOUNT_COLUMNS = `workspace_id, account_id, name, plan, mrr, seats, renewal_date::text AS renewal_date, csm_email,
  segment, industry, traits, touch_trait, phase_trait, expansion, onboarding_done, onboarding_steps_at, subscriptions, features_used,
  first_seen_at, last_seen_at, last_sign_in_at, latest_nps, latest_nps_at, phase, touch_model, computed_score, score, band,
  coverage, scorecard_id, measures, scored_at, published_fingerprint`;

function toAccountRow(r: Record<string, unknown>): AccountRow {
  return {
    workspaceId: r['workspace_id'] as string,
    accountId: r['account_id'] as string,
    name: (r['name'] as string | null) ?? null,
    plan: (r['plan'] as string | null) ?? null,
    mrr: num(r['mrr']),
    seats: num(r['seats']),
    renewalDate: date(r['renewal_date']),
    csmEmail: (r['csm_email'] as string | null) ?? null,
    segment: (r['segment'] as string | null) ?? null,
    industry: (r['industry'] as string | null) ?? null,
    traits: (r['traits'] as Record<string, unknown>) ?? {},
    touchTrait: (r['touch_trait'] as string | null) ?? null,
    phaseTrait: (r['phase_trait'] as string | null) ?? null,
    expansion: Boolean(r['expansion']),
    onboardingDone: (r['onboarding_done'] as string[]) ?? [],
    onboardingStepsAt: (r['onboarding_steps_at'] as Record<string, string>) ?? {},
    subscriptions: (r['subscriptions'] as AccountRow['subscriptions']) ?? {},
    featuresUsed: (r['features_used'] as string[]) ?? [],
    firstSeenAt: iso(r['first_seen_at'])!,
    lastSeenAt: iso(r['last_seen_at']),
    lastSignInAt: iso(r['last_sign_in_at']),
    latestNps: num(r['latest_nps']),
    latestNpsAt: iso(r['latest_nps_at']),
    phase: r['phase'] as string,
    touchModel: r['touch_model'] as string,
    computedScore: num(r['computed_score']),
    score: num(r['score']),
    band: (r['band'] as string | null) ?? null,
    coverage: Number(r['coverage'] ?? 0),
    scorecardId: (r['scorecard_id'] as string | null) ?? null,
    measures: (r['measures'] as MeasureResult[]) ?? [],
    scoredAt: iso(r['scored_at']),
    publishedFingerprint: (r['published_fingerprint'] as string | null) ?? null,
  };
}

const keyArrays = (keys: readonly AccountKey[]): [string[], string[]] => [
  keys.map((k) => k.workspaceId),
  keys.map((k) => k.accountId),
];

/** Locks and reads accounts (in key order); missing ones are absent from the map. */
export async function lockAccounts(
  m: EntityManager,
  keys: readonly AccountKey[],
): Promise<Map<string, AccountRow>> {
  if (keys.length === 0) return new Map();
  const rows: Record<string, unknown>[] = await m.query(
    `SELECT ${ACCOUNT_COLUMNS} FROM health_scoring.accounts a
     JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(workspace_id, account_id, n) USING (workspace_id, account_id)
     ORDER BY k.n FOR UPDATE OF a`,
    keyArrays(keys),
  );
  return new Map(rows.map((r) => [keyOf(toAccountRow(r)), toAccountRow(r)]));
}

/** The workspace's accounts, but those whose backfill has not settled (their turn comes then). */
export async function accountKeysOf(m: EntityManager, workspaceId: string): Promise<AccountKey[]> {
  const rows: { account_id: string }[] = await m.query(
    `SELECT account_id FROM health_scoring.accounts a WHERE workspace_id = $1
       AND NOT EXISTS (SELECT 1 FROM health_scoring.backfill_pending p
         WHERE p.workspace_id = a.workspace_id AND p.account_id = a.account_id)
     ORDER BY account_id`,
    [workspaceId],
  );
  return rows.map((r) => ({ workspaceId, accountId: r.account_id }));
}

/** Writes whole account rows (insert or replace). */
export async function saveAccounts(m: EntityManager, rows: readonly AccountRow[]): Promise<void> {
  if (rows.length === 0) return;
  const json = rows.map((r) => ({
    workspace_id: r.workspaceId,
    account_id: r.accountId,
    name: r.name,
    plan: r.plan,
    mrr: r.mrr,
    seats: r.seats,
    renewal_date: r.renewalDate,
    csm_email: r.csmEmail,
    segment: r.segment,
    industry: r.industry,
    traits: r.traits,
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
  }));
  await m.query(
    `INSERT INTO health_scoring.accounts AS a (workspace_id, account_id, name, plan, mrr, seats, renewal_date, csm_email,
       segment, industry, traits, touch_trait, phase_trait, expansion, onboarding_done, onboarding_steps_at,
       subscriptions, features_used, first_seen_at, last_seen_at, last_sign_in_at, latest_nps, latest_nps_at, phase, touch_model,
       computed_score, score, band, coverage, scorecard_id, measures, scored_at, published_fingerprint, updated_at)
     SELECT r.workspace_id, r.account_id, r.name, r.plan, r.mrr, r.seats, r.renewal_date, r.csm_email, r.segment,
       r.industry, r.traits, r.touch_trait, r.phase_trait, r.expansion,
       r.onboarding_done, r.onboarding_steps_at, r.subscriptions, r.features_used,
       r.first_seen_at, r.last_seen_at, r.last_sign_in_at, r.latest_nps, r.latest_nps_at, r.phase, r.touch_model,
       r.computed_score, r.score, r.band, r.coverage, r.scorecard_id, r.measures, r.scored_at, r.published_fingerprint, now()
     FROM jsonb_to_recordset($1::jsonb) AS r(workspace_id text, account_id text, name text, plan text, mrr numeric,
       seats integer, renewal_date date, csm_email text, segment text, industry text, traits jsonb, touch_trait text,
       phase_trait text, expansion boolean, onboarding_done text[], onboarding_steps_at jsonb, subscriptions jsonb, features_used text[],
       first_seen_at timestamptz,
       last_seen_at timestamptz, last_sign_in_at timestamptz, latest_nps integer, latest_nps_at timestamptz, phase text,
       touch_model text, computed_score numeric, score numeric, band text, coverage numeric, scorecard_id uuid,
       measures jsonb, scored_at timestamptz, published_fingerprint text)
     ON CONFLICT (workspace_id, account_id) DO UPDATE SET
       name = EXCLUDED.name, plan = EXCLUDED.plan, mrr = EXCLUDED.mrr, seats = EXCLUDED.seats,
       renewal_date = EXCLUDED.renewal_date, csm_email = EXCLUDED.csm_email, segment = EXCLUDED.segment,
       industry = EXCLUDED.industry, traits = EXCLUDED.traits, touch_trait = EXCLUDED.touch_trait,
       phase_trait = EXCLUDED.phase_trait, expansion = EXCLUDED.expansion, onboarding_done = EXCLUDED.onboarding_done,
       onboarding_steps_at = EXCLUDED.onboarding_steps_at, subscriptions = EXCLUDED.subscriptions,
       features_used = EXCLUDED.features_used, first_seen_at = EXCLUDED.first_seen_at,
       last_seen_at = EXCLUDED.last_seen_at, last_sign_in_at = EXCLUDED.last_sign_in_at,
       latest_nps = EXCLUDED.latest_nps, latest_nps_at = EXCLUDED.latest_nps_at, phase = EXCLUDED.phase,
       touch_model = EXCLUDED.touch_model, computed_score = EXCLUDED.computed_score, score = EXCLUDED.score,
       band = EXCLUDED.band, coverage = EXCLUDED.coverage, scorecard_id = EXCLUDED.scorecard_id,
       measures = EXCLUDED.measures, scored_at = EXCLUDED.scored_at,
       published_fingerprint = EXCLUDED.published_fingerprint, updated_at = now()`,
    [JSON.stringify(json)],
  );
}

/** Per account and day, what a run of events adds. */
export interface DayDelta {
  workspaceId: string;
  accountId: string;
  day: string;
  events: number;
  signIns: number;
  keyFeatureUses: number;
  onboardingSteps: number;
  ticketsOpened: number;
  p1Opened: number;
  ticketsResolved: number;
  p1Resolved: number;
  surveyResponses: number;
  csatSum: number;
  csatCount: number;
  engagementEvents: number;
  outcomes: number;
}

export async function addUsage(m: EntityManager, deltas: readonly DayDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const sorted = [...deltas].sort((a, b) =>
    `${a.workspaceId}\u0000${a.accountId}\u0000${a.day}` <
    `${b.workspaceId}\u0000${b.accountId}\u0000${b.day}`
      ? -1
      : 1,
  );
  await m.query(
    `INSERT INTO health_scoring.account_days AS d (workspace_id, account_id, day, events, sign_ins, key_feature_uses,
       onboarding_steps, tickets_opened, p1_opened, tickets_resolved, p1_resolved, survey_responses, csat_sum,
       csat_count, engagement_events, outcomes)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, day date, events int,
       "signIns" int, "keyFeatureUses" int, "onboardingSteps" int, "ticketsOpened" int, "p1Opened" int,
       "ticketsResolved" int, "p1Resolved" int, "surveyResponses" int, "csatSum" int, "csatCount" int,
       "engagementEvents" int, outcomes int)
     ON CONFLICT (workspace_id, account_id, day) DO UPDATE SET
       events = d.events + EXCLUDED.events, sign_ins = d.sign_ins + EXCLUDED.sign_ins,
       key_feature_uses = d.key_feature_uses + EXCLUDED.key_feature_uses,
       onboarding_steps = d.onboarding_steps + EXCLUDED.onboarding_steps,
       tickets_opened = d.tickets_opened + EXCLUDED.tickets_opened, p1_opened = d.p1_opened + EXCLUDED.p1_opened,
       tickets_resolved = d.tickets_resolved + EXCLUDED.tickets_resolved,
       p1_resolved = d.p1_resolved + EXCLUDED.p1_resolved,
       survey_responses = d.survey_responses + EXCLUDED.survey_responses, csat_sum = d.csat_sum + EXCLUDED.csat_sum,
       csat_count = d.csat_count + EXCLUDED.csat_count,
       engagement_events = d.engagement_events + EXCLUDED.engagement_events, outcomes = d.outcomes + EXCLUDED.outcomes`,
    [JSON.stringify(sorted)],
  );
}

export async function addActiveUsers(
  m: EntityManager,
  rows: readonly { workspaceId: string; accountId: string; day: string; userId: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await m.query(
    `INSERT INTO health_scoring.account_user_days (workspace_id, account_id, day, user_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::text[]) ON CONFLICT DO NOTHING`,
    [
      rows.map((r) => r.workspaceId),
      rows.map((r) => r.accountId),
      rows.map((r) => r.day),
      rows.map((r) => r.userId),
    ],
  );
}

export interface TicketChange {
  workspaceId: string;
  accountId: string;
  ticketId: string;
  priority: string | null;
  openedAt: string | null;
  resolvedAt: string | null;
}

export async function saveTickets(m: EntityManager, changes: readonly TicketChange[]): Promise<void> {
  if (changes.length === 0) return;
  await m.query(
    `INSERT INTO health_scoring.tickets AS t (workspace_id, ticket_id, account_id, priority, opened_at, resolved_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "ticketId" text, "accountId" text,
       priority text, "openedAt" timestamptz, "resolvedAt" timestamptz)
     ON CONFLICT (workspace_id, ticket_id) DO UPDATE SET
       priority = coalesce(EXCLUDED.priority, t.priority),
       opened_at = coalesce(t.opened_at, EXCLUDED.opened_at),
       resolved_at = coalesce(EXCLUDED.resolved_at, t.resolved_at)`,
    [JSON.stringify(changes)],
  );
}

export async function addMrrPoints(
  m: EntityManager,
  points: readonly { workspaceId: string; accountId: string; at: string; mrr: number }[],
): Promise<void> {
  if (points.length === 0) return;
  await m.query(
    `INSERT INTO health_scoring.mrr_points AS p (workspace_id, account_id, at, mrr)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, at timestamptz, mrr numeric)
     ON CONFLICT (workspace_id, account_id, at) DO UPDATE SET mrr = EXCLUDED.mrr`,
    [JSON.stringify(points)],
  );
}

export async function addAccountEvents(
  m: EntityManager,
  rows: readonly {
    workspaceId: string;
    accountId: string;
    eventId: string;
    occurredAt: string;
    name: string;
    detail: Record<string, unknown>;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  await m.query(
    `INSERT INTO health_scoring.account_events (workspace_id, account_id, event_id, occurred_at, name, detail)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, "eventId" text,
       "occurredAt" timestamptz, name text, detail jsonb)
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

/** What the scoring reads, beyond the account row, to compute metrics: in bulk for many accounts. */
export interface BulkFacts {
  readonly days: Map<string, UsageDay[]>;
  /** Distinct active users in the 30 and 7 days ending at asOf, and in the 7 days before those. */
  readonly activeUsers: Map<string, { d30: number; d7: number; prev7: number }>;
  readonly tickets: Map<string, { priority: string | null; resolved: boolean }[]>;
  readonly mrrPoints: Map<string, { at: Date; mrr: number }[]>;
  readonly overrides: Map<
    string,
    { id: string; score: number; reason: string; author: string; expiresAt: string | null }
  >;
  readonly lastHistoryAt: Map<string, Date>;
}

export async function loadFacts(
  m: EntityManager,
  keys: readonly AccountKey[],
  asOf: Date,
): Promise<BulkFacts> {
  const facts: BulkFacts = {
    days: new Map(),
    activeUsers: new Map(),
    tickets: new Map(),
    mrrPoints: new Map(),
    overrides: new Map(),
    lastHistoryAt: new Map(),
  };
  if (keys.length === 0) return facts;
  const [ws, acc] = keyArrays(keys);
  const dayMs = 86_400_000;
  const since = (days: number) => new Date(asOf.getTime() - (days - 1) * dayMs).toISOString().slice(0, 10);
  const asOfDay = asOf.toISOString().slice(0, 10);
  const keysSql =
    'JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)';
  // One after the other: these share the transaction's connection.
  const [days, users, tickets, mrr, overrides, history] = await sequentially([
    // Trend measures read windows that end up to 365 days back.
    () =>
      m.query(
        `SELECT workspace_id, account_id, day::text AS day, events, sign_ins, tickets_opened, p1_opened, csat_sum, csat_count,
         engagement_events, outcomes
       FROM health_scoring.account_days ${keysSql} WHERE day >= $3::date - 455 AND day <= $4::date`,
        [ws, acc, asOfDay, asOfDay],
      ) as Promise<Record<string, unknown>[]>,
    () =>
      m.query(
        `SELECT workspace_id, account_id, count(DISTINCT user_id)::int AS d30,
           count(DISTINCT user_id) FILTER (WHERE day >= $5::date)::int AS d7,
           count(DISTINCT user_id) FILTER (WHERE day >= $6::date AND day < $5::date)::int AS prev7
         FROM health_scoring.account_user_days ${keysSql}
         WHERE day >= $3::date AND day <= $4::date GROUP BY workspace_id, account_id`,
        [ws, acc, since(30), asOfDay, since(7), since(14)],
      ) as Promise<Record<string, unknown>[]>,
    () =>
      m.query(
        `SELECT workspace_id, account_id, priority, resolved_at IS NOT NULL AND resolved_at <= $4 AS resolved
       FROM health_scoring.tickets ${keysSql} WHERE opened_at >= $3 AND opened_at <= $4`,
        [ws, acc, new Date(asOf.getTime() - 30 * dayMs).toISOString(), asOf.toISOString()],
      ) as Promise<Record<string, unknown>[]>,
    () =>
      m.query(
        `SELECT workspace_id, account_id, at, mrr FROM health_scoring.mrr_points ${keysSql} WHERE at <= $3 ORDER BY at`,
        [ws, acc, asOf.toISOString()],
      ) as Promise<Record<string, unknown>[]>,
    () =>
      m.query(
        `SELECT workspace_id, account_id, id, score, reason, author, expires_at FROM health_scoring.overrides ${keysSql}
       WHERE ended_at IS NULL`,
        [ws, acc],
      ) as Promise<Record<string, unknown>[]>,
    () =>
      m.query(
        `SELECT k.workspace_id, k.account_id, h.at FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
         CROSS JOIN LATERAL (SELECT at FROM health_scoring.score_history h
           WHERE h.workspace_id = k.workspace_id AND h.account_id = k.account_id ORDER BY at DESC LIMIT 1) h`,
        [ws, acc],
      ) as Promise<Record<string, unknown>[]>,
  ]);
  const k = (r: Record<string, unknown>) =>
    `${r['workspace_id'] as string}\u0000${r['account_id'] as string}`;
  const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const r of days) push(facts.days, k(r), dayTotalsOf(r));
  for (const r of users)
    facts.activeUsers.set(k(r), { d30: Number(r['d30']), d7: Number(r['d7']), prev7: Number(r['prev7']) });
  for (const r of tickets)
    push(facts.tickets, k(r), {
      priority: (r['priority'] as string | null) ?? null,
      resolved: Boolean(r['resolved']),
    });
  for (const r of mrr)
    push(facts.mrrPoints, k(r), { at: new Date(r['at'] as string), mrr: Number(r['mrr']) });
  for (const r of overrides)
    facts.overrides.set(k(r), {
      id: r['id'] as string,
      score: Number(r['score']),
      reason: r['reason'] as string,
      author: r['author'] as string,
      expiresAt: iso(r['expires_at']),
    });
  for (const r of history) facts.lastHistoryAt.set(k(r), new Date(r['at'] as string));
  return facts;
}

/**
 * The accounts' past over [fromDay, toDay], for factsAsOf: the usage days, user days, tickets,
 * MRR points and NPS answers the metric windows of that span reach, and when each key feature
 * was first used.
 */
export async function loadPast(
  m: EntityManager,
  keys: readonly AccountKey[],
  fromDay: string,
  toDay: string,
  keyFeatures: readonly string[],
): Promise<Map<string, AccountPast>> {
  type Past = {
    days: UsageDay[];
    userDays: { day: string; userId: string }[];
    tickets: { priority: string | null; openedAt: Date; resolvedAt: Date | null }[];
    mrrPoints: { at: Date; mrr: number }[];
    npsAnswers: { at: Date; score: number }[];
    featureFirstUse: Map<string, Date>;
  };
  const out = new Map<string, Past>();
  if (keys.length === 0) return out;
  for (const k of keys)
    out.set(keyOf(k), {
      days: [],
      userDays: [],
      tickets: [],
      mrrPoints: [],
      npsAnswers: [],
      featureFirstUse: new Map(),
    });
  const [ws, acc] = keyArrays(keys);
  const keysSql =
    'JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)';
  const end = `${toDay}T23:59:59.999Z`;
  const k = (r: Record<string, unknown>) =>
    out.get(`${r['workspace_id'] as string}\u0000${r['account_id'] as string}`)!;
  const [days, users, tickets, mrr, nps, features] = await sequentially([
    () =>
      m.query(
        `SELECT workspace_id, account_id, day::text AS day, events, sign_ins, tickets_opened, p1_opened, csat_sum,
           csat_count, engagement_events, outcomes
         FROM health_scoring.account_days ${keysSql} WHERE day >= $3::date - 455 AND day <= $4::date ORDER BY day`,
        [ws, acc, fromDay, toDay],
      ) as Promise<Record<string, unknown>[]>,
    () =>
      m.query(
        `SELECT workspace_id, account_id, day::text AS day, user_id FROM health_scoring.account_user_days ${keysSql}
         WHERE day >= $3::date - 29 AND day <= $4::date`,
        [ws, acc, fromDay, toDay],
      ) as Promise<Record<string, unknown>[]>,
    () =>
      m.query(
        `SELECT workspace_id, account_id, priority, opened_at, resolved_at FROM health_scoring.tickets ${keysSql}
         WHERE opened_at >= $3::date - 30 AND opened_at <= $4`,
        [ws, acc, fromDay, end],
      ) as Promise<Record<string, unknown>[]>,
    () =>
      m.query(
        `SELECT workspace_id, account_id, at, mrr FROM health_scoring.mrr_points ${keysSql} WHERE at <= $3 ORDER BY at`,
        [ws, acc, end],
      ) as Promise<Record<string, unknown>[]>,
    () =>
      m.query(
        `SELECT workspace_id, account_id, occurred_at, (detail->>'score')::float8 AS score
         FROM health_scoring.account_events ${keysSql}
         WHERE occurred_at <= $3 AND detail->>'survey' = 'nps' AND detail ? 'score' ORDER BY occurred_at, event_id`,
        [ws, acc, end],
      ) as Promise<Record<string, unknown>[]>,
    () =>
      m.query(
        `SELECT workspace_id, account_id, name, min(occurred_at) AS first_at FROM health_scoring.account_events ${keysSql}
         WHERE occurred_at <= $3 AND name = ANY($4::text[]) GROUP BY workspace_id, account_id, name`,
        [ws, acc, end, [...keyFeatures]],
      ) as Promise<Record<string, unknown>[]>,
  ]);
  for (const r of days) k(r).days.push(dayTotalsOf(r));
  for (const r of users) k(r).userDays.push({ day: r['day'] as string, userId: r['user_id'] as string });
  for (const r of tickets)
    k(r).tickets.push({
      priority: (r['priority'] as string | null) ?? null,
      openedAt: new Date(r['opened_at'] as string),
      resolvedAt: r['resolved_at'] ? new Date(r['resolved_at'] as string) : null,
    });
  for (const r of mrr) k(r).mrrPoints.push({ at: new Date(r['at'] as string), mrr: Number(r['mrr']) });
  for (const r of nps)
    k(r).npsAnswers.push({ at: new Date(r['occurred_at'] as string), score: Number(r['score']) });
  for (const r of features) k(r).featureFirstUse.set(r['name'] as string, new Date(r['first_at'] as string));
  return out;
}

/** A point of the score history, as the engine writes it. */
export interface HistoryPoint {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly at: string;
  readonly score: number | null;
  readonly band: string | null;
  readonly computedScore: number | null;
  readonly coverage: number;
  readonly reason: string;
  readonly backfill: boolean;
}

/** Adds history points; a rebuilt point of the past replaces the one rebuilt before at the same moment. */
export async function addHistory(m: EntityManager, points: readonly HistoryPoint[]): Promise<void> {
  if (points.length === 0) return;
  const json = JSON.stringify(points);
  if (points.some((p) => p.backfill))
    await m.query(
      `DELETE FROM health_scoring.score_history h USING jsonb_to_recordset($1::jsonb)
         AS r("workspaceId" text, "accountId" text, at timestamptz, backfill boolean)
       WHERE r.backfill AND h.backfill AND h.workspace_id = r."workspaceId" AND h.account_id = r."accountId" AND h.at = r.at`,
      [json],
    );
  await m.query(
    `INSERT INTO health_scoring.score_history (workspace_id, account_id, at, score, band, computed_score, coverage, reason, backfill)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, at timestamptz,
       score numeric, band text, "computedScore" numeric, coverage numeric, reason text, backfill boolean)`,
    [json],
  );
}

/**
 * For each account, the UTC days after a moment that already have a rebuilt (backfill) history
 * point: an event older than them changes the score those days had, so they are rebuilt again.
 */
export async function backfilledDaysAfter(
  m: EntityManager,
  accounts: readonly { key: AccountKey; after: string }[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (accounts.length === 0) return out;
  const rows: { workspace_id: string; account_id: string; day: string }[] = await m.query(
    `SELECT DISTINCT k.workspace_id, k.account_id, (h.at AT TIME ZONE 'UTC')::date::text AS day
     FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS k(workspace_id, account_id, after)
     JOIN health_scoring.score_history h
       ON h.workspace_id = k.workspace_id AND h.account_id = k.account_id AND h.at > k.after AND h.backfill`,
    [
      accounts.map((a) => a.key.workspaceId),
      accounts.map((a) => a.key.accountId),
      accounts.map((a) => a.after),
    ],
  );
  for (const r of rows) {
    const key = `${r.workspace_id}\u0000${r.account_id}`;
    out.set(key, [...(out.get(key) ?? []), r.day]);
  }
  return out;
}

/** For each account, the last history point before a moment: where its rebuilt past starts from. */
export async function pointsBefore(
  m: EntityManager,
  accounts: readonly { key: AccountKey; before: string }[],
): Promise<
  Map<string, { score: number | null; band: string | null; computedScore: number | null; coverage: number }>
> {
  const out = new Map<
    string,
    { score: number | null; band: string | null; computedScore: number | null; coverage: number }
  >();
  if (accounts.length === 0) return out;
  const rows: Record<string, unknown>[] = await m.query(
    `SELECT k.workspace_id, k.account_id, h.score, h.band, h.computed_score, h.coverage
     FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS k(workspace_id, account_id, before)
     CROSS JOIN LATERAL (SELECT score, band, computed_score, coverage FROM health_scoring.score_history h
       WHERE h.workspace_id = k.workspace_id AND h.account_id = k.account_id AND h.at < k.before
       ORDER BY at DESC, id DESC LIMIT 1) h`,
    [
      accounts.map((a) => a.key.workspaceId),
      accounts.map((a) => a.key.accountId),
      accounts.map((a) => a.before),
    ],
  );
  for (const r of rows)
    out.set(`${r['workspace_id'] as string}\u0000${r['account_id'] as string}`, {
      score: num(r['score']),
      band: (r['band'] as string | null) ?? null,
      computedScore: num(r['computed_score']),
      coverage: Number(r['coverage'] ?? 0),
    });
  return out;
}

/**
 * Marks accounts whose past was just rebuilt; the first mark keeps the health they had before,
 * which their settled present state is compared with.
 */
export async function markBackfilled(
  m: EntityManager,
  accounts: readonly { key: AccountKey; previous: unknown; days: readonly string[] }[],
  at: Date,
): Promise<void> {
  if (accounts.length === 0) return;
  await m.query(
    `INSERT INTO health_scoring.backfill_pending AS p (workspace_id, account_id, last_at, previous, days)
     SELECT r."workspaceId", r."accountId", $2, r.previous, r.days::date[]
     FROM jsonb_to_recordset($1::jsonb) AS r("workspaceId" text, "accountId" text, previous jsonb, days text[])
     ON CONFLICT (workspace_id, account_id) DO UPDATE SET last_at = EXCLUDED.last_at,
       days = ARRAY(SELECT DISTINCT d FROM unnest(p.days || EXCLUDED.days) AS d ORDER BY d)`,
    [
      JSON.stringify(
        accounts.map((a) => ({
          workspaceId: a.key.workspaceId,
          accountId: a.key.accountId,
          previous: a.previous,
          days: a.days,
        })),
      ),
      at.toISOString(),
    ],
  );
}

/** How many of the workspace's accounts wait for their backfill to settle. */
export async function pendingCount(m: EntityManager, workspaceId: string): Promise<number> {
  const [row]: [{ n: number }] = await m.query(
    'SELECT count(*)::int AS n FROM health_scoring.backfill_pending WHERE workspace_id = $1',
    [workspaceId],
  );
  return row.n;
}

/**
 * When a marked account's backfill counts as settled: its own history quiet since `quietSince`,
 * and its workspace's too (an import goes on for the whole workspace, and one account's events
 * can be minutes apart in it), or its own quiet since `longQuietSince` whatever the workspace does.
 */
const SETTLED = `p.last_at <= $1 AND (p.last_at <= $2 OR NOT EXISTS (SELECT 1 FROM health_scoring.backfill_pending q
  WHERE q.workspace_id = p.workspace_id AND q.last_at > $1))`;

/** Up to `limit` accounts whose backfill has settled (see SETTLED), in key order. */
export async function settledCandidates(
  m: EntityManager,
  quietSince: Date,
  longQuietSince: Date,
  limit: number,
): Promise<AccountKey[]> {
  return m.query(
    `SELECT workspace_id AS "workspaceId", account_id AS "accountId" FROM health_scoring.backfill_pending p
     WHERE ${SETTLED} ORDER BY workspace_id, account_id LIMIT $3`,
    [quietSince.toISOString(), longQuietSince.toISOString(), limit],
  );
}

/**
 * Takes the accounts (locked by the caller first, as the consumer does) whose backfill has still
 * settled, with the health they had before it and the days of history that came since their last
 * settle (UTC, YYYY-MM-DD); their marks go with the commit.
 */
export async function takeSettled<T>(
  m: EntityManager,
  keys: readonly AccountKey[],
  quietSince: Date,
  longQuietSince: Date,
): Promise<Map<string, { previous: T | null; days: string[] }>> {
  if (keys.length === 0) return new Map();
  const [ws, acc] = keyArrays(keys);
  const [rows]: [{ workspace_id: string; account_id: string; previous: T | null; days: string[] }[], number] =
    await m.query(
      `DELETE FROM health_scoring.backfill_pending p USING unnest($3::text[], $4::text[]) AS k(workspace_id, account_id)
     WHERE p.workspace_id = k.workspace_id AND p.account_id = k.account_id AND ${SETTLED}
     RETURNING p.workspace_id, p.account_id, p.previous, p.days::text[] AS days`,
      [quietSince.toISOString(), longQuietSince.toISOString(), ws, acc],
    );
  return new Map(
    rows.map((r) => [`${r.workspace_id}\u0000${r.account_id}`, { previous: r.previous, days: r.days }]),
  );
}

async function sequentially<T>(steps: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  for (const step of steps) results.push(await step());
  return results;
}

/** One row of daily totals as the scoring reads it (both the present's and the past's loads). */
function dayTotalsOf(r: Record<string, unknown>) {
  return {
    day: r['day'] as string,
    events: Number(r['events']),
    signIns: Number(r['sign_ins']),
    ticketsOpened: Number(r['tickets_opened']),
    p1Opened: Number(r['p1_opened']),
    csatSum: Number(r['csat_sum']),
    csatCount: Number(r['csat_count']),
    engagementEvents: Number(r['engagement_events']),
    outcomes: Number(r['outcomes']),
  };
}
