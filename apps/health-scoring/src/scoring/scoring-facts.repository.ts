import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, keyArrays } from '@tsuzuku/platform-database';
import { AccountKey, keyOf } from './domain/account-key';
import { UsageDay } from './domain/metrics';
import { AccountPast } from './domain/past-facts';
import { BulkFacts } from './domain/scoring-facts';
import { isoOrNull, rowKey } from './row-values';

const KEYS =
  'JOIN unnest($1::text[], $2::text[]) AS k(workspace_id, account_id) USING (workspace_id, account_id)';
const DAY_COLUMNS = `workspace_id, account_id, day::text AS day, events, sign_ins, tickets_opened, p1_opened, csat_sum,
  csat_count, engagement_events, outcomes`;

const SQL = defineStatements('health-scoring.scoring-facts', {
  // Trend measures read windows that end up to 365 days back.
  presentDays: `
    SELECT ${DAY_COLUMNS}
    FROM health_scoring.account_days ${KEYS} WHERE day >= $3::date - 455 AND day <= $4::date`,
  presentActiveUsers: `
    SELECT workspace_id, account_id, count(DISTINCT user_id)::int AS d30,
      count(DISTINCT user_id) FILTER (WHERE day >= $5::date)::int AS d7,
      count(DISTINCT user_id) FILTER (WHERE day >= $6::date AND day < $5::date)::int AS prev7
    FROM health_scoring.account_user_days ${KEYS}
    WHERE day >= $3::date AND day <= $4::date GROUP BY workspace_id, account_id`,
  presentTickets: `
    SELECT workspace_id, account_id, priority, resolved_at IS NOT NULL AND resolved_at <= $4 AS resolved
    FROM health_scoring.tickets ${KEYS} WHERE opened_at >= $3 AND opened_at <= $4`,
  mrrPointsUntil: `
    SELECT workspace_id, account_id, at, mrr FROM health_scoring.mrr_points ${KEYS} WHERE at <= $3 ORDER BY at`,
  activeOverrides: `
    SELECT workspace_id, account_id, id, score, reason, author, expires_at FROM health_scoring.overrides ${KEYS}
    WHERE ended_at IS NULL`,
  lastHistoryPoints: `
    SELECT k.workspace_id, k.account_id, h.at FROM unnest($1::text[], $2::text[]) AS k(workspace_id, account_id)
    CROSS JOIN LATERAL (SELECT at FROM health_scoring.score_history h
      WHERE h.workspace_id = k.workspace_id AND h.account_id = k.account_id ORDER BY at DESC LIMIT 1) h`,
  pastDays: `
    SELECT ${DAY_COLUMNS}
    FROM health_scoring.account_days ${KEYS} WHERE day >= $3::date - 455 AND day <= $4::date ORDER BY day`,
  pastUserDays: `
    SELECT workspace_id, account_id, day::text AS day, user_id FROM health_scoring.account_user_days ${KEYS}
    WHERE day >= $3::date - 29 AND day <= $4::date`,
  pastTickets: `
    SELECT workspace_id, account_id, priority, opened_at, resolved_at FROM health_scoring.tickets ${KEYS}
    WHERE opened_at >= $3::date - 30 AND opened_at <= $4`,
  pastNpsAnswers: `
    SELECT workspace_id, account_id, occurred_at, (detail->>'score')::float8 AS score
    FROM health_scoring.account_events ${KEYS}
    WHERE occurred_at <= $3 AND detail->>'survey' = 'nps' AND detail ? 'score' ORDER BY occurred_at, event_id`,
  featureFirstUses: `
    SELECT workspace_id, account_id, name, min(occurred_at) AS first_at FROM health_scoring.account_events ${KEYS}
    WHERE occurred_at <= $3 AND name = ANY($4::text[]) GROUP BY workspace_id, account_id, name`,
});

type Row = Record<string, unknown>;

const DAY_MS = 86_400_000;

/**
 * What the scoring reads about accounts beyond their rows, in bulk: the facts of the present
 * (windows ending now) and of the past (what the windows of a span of days reach). Reads across
 * the usage tables, in the caller's transaction.
 */
@Injectable()
export class ScoringFactsRepository {
  /** The facts the metrics of `asOf` read, for many accounts. */
  async present(m: EntityManager, keys: readonly AccountKey[], asOf: Date): Promise<BulkFacts> {
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
    const since = (days: number) => new Date(asOf.getTime() - (days - 1) * DAY_MS).toISOString().slice(0, 10);
    const asOfDay = asOf.toISOString().slice(0, 10);
    // One after the other: these share the transaction's connection.
    const days: Row[] = await m.query(SQL.presentDays, [ws, acc, asOfDay, asOfDay]);
    const users: Row[] = await m.query(SQL.presentActiveUsers, [
      ws,
      acc,
      since(30),
      asOfDay,
      since(7),
      since(14),
    ]);
    const tickets: Row[] = await m.query(SQL.presentTickets, [
      ws,
      acc,
      new Date(asOf.getTime() - 30 * DAY_MS).toISOString(),
      asOf.toISOString(),
    ]);
    const mrr: Row[] = await m.query(SQL.mrrPointsUntil, [ws, acc, asOf.toISOString()]);
    const overrides: Row[] = await m.query(SQL.activeOverrides, [ws, acc]);
    const history: Row[] = await m.query(SQL.lastHistoryPoints, [ws, acc]);
    for (const r of days) push(facts.days, rowKey(r), dayTotalsOf(r));
    for (const r of users)
      facts.activeUsers.set(rowKey(r), {
        d30: Number(r['d30']),
        d7: Number(r['d7']),
        prev7: Number(r['prev7']),
      });
    for (const r of tickets)
      push(facts.tickets, rowKey(r), {
        priority: (r['priority'] as string | null) ?? null,
        resolved: Boolean(r['resolved']),
      });
    for (const r of mrr)
      push(facts.mrrPoints, rowKey(r), { at: new Date(r['at'] as string), mrr: Number(r['mrr']) });
    for (const r of overrides)
      facts.overrides.set(rowKey(r), {
        id: r['id'] as string,
        score: Number(r['score']),
        reason: r['reason'] as string,
        author: r['author'] as string,
        expiresAt: isoOrNull(r['expires_at']),
      });
    for (const r of history) facts.lastHistoryAt.set(rowKey(r), new Date(r['at'] as string));
    return facts;
  }

  /**
   * The accounts' past over [fromDay, toDay], for factsAsOf: the usage days, user days, tickets,
   * MRR points and NPS answers the metric windows of that span reach, and when each key feature
   * was first used.
   */
  async past(
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
    const end = `${toDay}T23:59:59.999Z`;
    const of = (r: Row) => out.get(rowKey(r))!;
    const days: Row[] = await m.query(SQL.pastDays, [ws, acc, fromDay, toDay]);
    const users: Row[] = await m.query(SQL.pastUserDays, [ws, acc, fromDay, toDay]);
    const tickets: Row[] = await m.query(SQL.pastTickets, [ws, acc, fromDay, end]);
    const mrr: Row[] = await m.query(SQL.mrrPointsUntil, [ws, acc, end]);
    const nps: Row[] = await m.query(SQL.pastNpsAnswers, [ws, acc, end]);
    const features: Row[] = await m.query(SQL.featureFirstUses, [ws, acc, end, [...keyFeatures]]);
    for (const r of days) of(r).days.push(dayTotalsOf(r));
    for (const r of users) of(r).userDays.push({ day: r['day'] as string, userId: r['user_id'] as string });
    for (const r of tickets)
      of(r).tickets.push({
        priority: (r['priority'] as string | null) ?? null,
        openedAt: new Date(r['opened_at'] as string),
        resolvedAt: r['resolved_at'] ? new Date(r['resolved_at'] as string) : null,
      });
    for (const r of mrr) of(r).mrrPoints.push({ at: new Date(r['at'] as string), mrr: Number(r['mrr']) });
    for (const r of nps)
      of(r).npsAnswers.push({ at: new Date(r['occurred_at'] as string), score: Number(r['score']) });
    for (const r of features)
      of(r).featureFirstUse.set(r['name'] as string, new Date(r['first_at'] as string));
    return out;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** One row of daily totals as the scoring reads it (both the present's and the past's loads). */
function dayTotalsOf(r: Row): UsageDay {
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
