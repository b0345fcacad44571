import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements, numericOrNull } from '@tsuzuku/platform-database';
import type { ChurnRisk, HealthBand, LifecyclePhase, TouchModel } from '@tsuzuku/contracts';
import type { MeasureResult } from '../scorecards/domain/health-score.calculator';
import type { Measure } from '../scorecards/domain/scorecard';
import { StoredMeasure, measureResults } from '../scorecards/domain/stored-measures';
import { AccountCursor, AccountSort } from './domain/account-cursor';
import { ScorePoint } from './domain/score-trend';
import type { SubscriptionEvent } from '../predictions/domain/outcomes';

/** An account as the API reads it, with its active override if any. */
export interface AccountRecord {
  readonly accountId: string;
  readonly name: string | null;
  readonly plan: string | null;
  readonly mrr: number | null;
  readonly seats: number | null;
  readonly renewalDate: string | null;
  readonly owner: string | null;
  readonly segment: string | null;
  readonly industry: string | null;
  readonly traits: Record<string, unknown>;
  readonly phase: LifecyclePhase;
  readonly touchModel: TouchModel;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string | null;
  readonly lastSignInAt: string | null;
  readonly latestNps: number | null;
  readonly computedScore: number | null;
  readonly score: number | null;
  readonly band: HealthBand | null;
  readonly coverage: number;
  readonly scorecardId: string | null;
  readonly scoredAt: string | null;
  /** When its last subscription ended (it keeps its health of then); null otherwise. */
  readonly churnedAt: string | null;
  /** The churn model's latest prediction; null when it has none (no model, churned, no values yet). */
  readonly churnRisk: ChurnRisk | null;
  readonly override: OverrideRecord | null;
  /** The sort keys of this row, for the next page's cursor. */
  readonly scoreKey: string | null;
  readonly nameKey: string;
  readonly churnKey: string | null;
}

export interface OverrideRecord {
  readonly id: string;
  readonly score: number;
  readonly reason: string;
  readonly author: string;
  readonly createdAt: string;
  readonly expiresAt: string | null;
}

export interface AccountFilter {
  readonly band?: readonly HealthBand[];
  readonly segment?: string;
  readonly touchModel?: readonly TouchModel[];
  readonly phase?: readonly LifecyclePhase[];
  readonly owner?: string;
  readonly q?: string;
  /** Only accounts whose churn probability is at least this (0-1). */
  readonly minChurnRisk?: number;
}

export interface HistoryRecord {
  readonly at: string;
  readonly score: number | null;
  readonly band: HealthBand | null;
  readonly computedScore: number | null;
  readonly coverage: number;
  readonly reason: string;
}

export interface EventRecord {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly name: string;
  readonly detail: Record<string, unknown>;
}

type Row = Record<string, unknown>;

const NAME_KEY = 'lower(coalesce(a.name, a.account_id))';

// An override whose expiry has passed is no longer in effect, even before the engine ends it.
const activeOverride = (now: string) => `LEFT JOIN health_scoring.overrides o
    ON o.workspace_id = a.workspace_id AND o.account_id = a.account_id
    AND o.ended_at IS NULL AND (o.expires_at IS NULL OR o.expires_at > ${now})`;

const ACCOUNT_COLUMNS = `a.account_id, a.name, a.plan, a.mrr::float8 AS mrr, a.seats,
    a.renewal_date::text AS renewal_date, a.owner, a.segment, a.industry, a.traits, a.phase,
    a.touch_model, a.first_seen_at, a.last_seen_at, a.last_sign_in_at, a.latest_nps,
    a.computed_score::float8 AS computed_score, a.score::text AS score_key, a.band,
    a.coverage::float8 AS coverage, a.scorecard_id, a.scored_at, a.churned_at, ${NAME_KEY} AS name_key,
    a.churn_risk, a.churn_probability::text AS churn_key,
    o.id AS override_id, o.score::float8 AS override_score, o.reason AS override_reason,
    o.author AS override_author, o.created_at AS override_created_at, o.expires_at AS override_expires_at`;

/**
 * The rows after the cursor's in the list's order ($10: the cursor's sort key, $11: its account
 * id, null on the first page). Unscored accounts (a null score) come after every scored one
 * whichever the direction, then by account id.
 */
const AFTER: Record<AccountSort, string> = {
  score: `($11::text IS NULL
      OR ($10::numeric IS NULL AND a.score IS NULL AND a.account_id > $11)
      OR ($10::numeric IS NOT NULL
          AND (a.score IS NULL OR a.score > $10::numeric OR (a.score = $10::numeric AND a.account_id > $11))))`,
  '-score': `($11::text IS NULL
      OR ($10::numeric IS NULL AND a.score IS NULL AND a.account_id > $11)
      OR ($10::numeric IS NOT NULL
          AND (a.score IS NULL OR a.score < $10::numeric OR (a.score = $10::numeric AND a.account_id > $11))))`,
  name: `($11::text IS NULL OR ${NAME_KEY} > $10::text OR (${NAME_KEY} = $10::text AND a.account_id > $11))`,
  '-churnRisk': `($11::text IS NULL
      OR ($10::numeric IS NULL AND a.churn_probability IS NULL AND a.account_id > $11)
      OR ($10::numeric IS NOT NULL
          AND (a.churn_probability IS NULL OR a.churn_probability < $10::numeric
            OR (a.churn_probability = $10::numeric AND a.account_id > $11))))`,
};

const ORDER: Record<AccountSort, string> = {
  score: 'a.score ASC NULLS LAST, a.account_id ASC',
  '-score': 'a.score DESC NULLS LAST, a.account_id ASC',
  name: `${NAME_KEY} ASC, a.account_id ASC`,
  '-churnRisk': 'a.churn_probability DESC NULLS LAST, a.account_id ASC',
};

/**
 * One page of the list in one order: every filter a nullable parameter ($2 bands, $3 segment,
 * $4 touch models, $5 phases, $6 owner, $7 search prefix, $12 least churn probability), $8 now,
 * $9 the rows to take.
 */
const page = (sort: AccountSort) => `
  SELECT ${ACCOUNT_COLUMNS}
  FROM health_scoring.accounts a ${activeOverride('$8')}
  WHERE a.workspace_id = $1
    AND ($2::text[] IS NULL OR a.band = ANY($2::text[]))
    AND ($3::text IS NULL OR lower(a.segment) = lower($3))
    AND ($4::text[] IS NULL OR a.touch_model = ANY($4::text[]))
    AND ($5::text[] IS NULL OR a.phase = ANY($5::text[]))
    AND ($6::text IS NULL OR lower(a.owner) = lower($6))
    AND ($7::text IS NULL OR lower(a.name) LIKE $7 OR lower(a.account_id) LIKE $7)
    AND ($12::numeric IS NULL OR a.churn_probability >= $12::numeric)
    AND ${AFTER[sort]}
  ORDER BY ${ORDER[sort]}
  LIMIT $9`;

const HISTORY_COLUMNS = `at, score::float8 AS score, band, computed_score::float8 AS computed_score,
    coverage::float8 AS coverage, reason`;

const sql = defineStatements('health-scoring.accounts', {
  pageByScore: page('score'),
  pageByScoreDescending: page('-score'),
  pageByName: page('name'),
  pageByChurnRisk: page('-churnRisk'),
  account: `
    SELECT ${ACCOUNT_COLUMNS}, a.measures, s.measures AS scorecard_measures
    FROM health_scoring.accounts a ${activeOverride('$3')}
    LEFT JOIN health_scoring.scorecards s ON s.workspace_id = a.workspace_id AND s.id = a.scorecard_id
    WHERE a.workspace_id = $1 AND a.account_id = $2`,
  pointsInEffect: `
    SELECT p.at, p.score FROM unnest($3::timestamptz[]) AS m(at)
    CROSS JOIN LATERAL (
      SELECT h.at, h.score::float8 AS score FROM health_scoring.score_history h
      WHERE h.workspace_id = $1 AND h.account_id = $2 AND h.at <= m.at
      ORDER BY h.at DESC, h.id DESC LIMIT 1
    ) p`,
  history: `
    SELECT ${HISTORY_COLUMNS}
    FROM health_scoring.score_history
    WHERE workspace_id = $1 AND account_id = $2 AND at >= $3 AND at <= $4
    ORDER BY at DESC, id DESC LIMIT $5`,
  recentChanges: `
    SELECT ${HISTORY_COLUMNS}
    FROM health_scoring.score_history
    WHERE workspace_id = $1 AND account_id = $2
    ORDER BY at DESC, id DESC LIMIT $3`,
  // The point in effect at a moment, and the latest point up to it that kept metric values.
  pointAsOf: `
    SELECT p.at, p.score::float8 AS score, p.band, p.computed_score::float8 AS computed_score,
      p.coverage::float8 AS coverage, p.reason, v.at AS values_at, v.measures AS values
    FROM (SELECT * FROM health_scoring.score_history
      WHERE workspace_id = $1 AND account_id = $2 AND at <= $3 ORDER BY at DESC, id DESC LIMIT 1) p
    LEFT JOIN LATERAL (SELECT at, measures FROM health_scoring.score_history
      WHERE workspace_id = $1 AND account_id = $2 AND at <= $3 AND measures IS NOT NULL
      ORDER BY at DESC, id DESC LIMIT 1) v ON true`,
  subscriptionEvents: `
    SELECT occurred_at, name, coalesce(detail->>'subscription_id', '') AS subscription_id
    FROM health_scoring.account_events
    WHERE workspace_id = $1 AND account_id = $2 AND occurred_at <= $3
      AND name IN ('Subscription Started', 'Subscription Changed', 'Subscription Renewed', 'Subscription Cancelled')`,
  recentEvents: `
    SELECT event_id, occurred_at, name, detail FROM health_scoring.account_events
    WHERE workspace_id = $1 AND account_id = $2
    ORDER BY occurred_at DESC, event_id DESC LIMIT $3`,
});

const PAGE: Record<AccountSort, string> = {
  score: sql.pageByScore,
  '-score': sql.pageByScoreDescending,
  name: sql.pageByName,
  '-churnRisk': sql.pageByChurnRisk,
};

const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : null);
const num = numericOrNull;

/** `%` and `_` in a search are characters to find, not wildcards. */
const likePrefix = (text: string) => `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The reads of the accounts API, every query scoped to one workspace. */
@Injectable()
export class AccountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One page of accounts after the cursor, plus one more row to tell whether another page follows. */
  async page(
    workspaceId: string,
    filter: AccountFilter,
    sort: AccountSort,
    after: AccountCursor | undefined,
    take: number,
    now: Date,
  ): Promise<AccountRecord[]> {
    const rows: Row[] = await this.dataSource.query(PAGE[sort], [
      workspaceId,
      filter.band ?? null,
      filter.segment ?? null,
      filter.touchModel ?? null,
      filter.phase ?? null,
      filter.owner ?? null,
      filter.q === undefined ? null : likePrefix(filter.q),
      now.toISOString(),
      take,
      after?.key ?? null,
      after?.accountId ?? null,
      filter.minChurnRisk ?? null,
    ]);
    return rows.map(accountOf);
  }

  /**
   * One account of the workspace with its active override and the measure results of the same
   * scoring; undefined when the workspace has no account by that id.
   */
  async account(
    workspaceId: string,
    accountId: string,
    now: Date,
  ): Promise<(AccountRecord & { readonly measures: MeasureResult[] }) | undefined> {
    const rows: Row[] = await this.dataSource.query(sql.account, [workspaceId, accountId, now.toISOString()]);
    const row = rows[0];
    return row
      ? {
          ...accountOf(row),
          // The row keeps what the scoring found; the labels are its scorecard's.
          measures: measureResults(
            (row['measures'] as StoredMeasure[] | null) ?? [],
            (row['scorecard_measures'] as Measure[] | null) ?? [],
          ),
        }
      : undefined;
  }

  /** For each moment, the history point in effect then (the latest at or before it), if any. */
  async pointsInEffect(
    workspaceId: string,
    accountId: string,
    moments: readonly Date[],
  ): Promise<ScorePoint[]> {
    const rows: { at: Date; score: string | null }[] = await this.dataSource.query(sql.pointsInEffect, [
      workspaceId,
      accountId,
      moments.map((m) => m.toISOString()),
    ]);
    return rows.map((r) => ({ at: r.at, score: num(r.score) }));
  }

  /** The latest `limit` points of the history within [from, to], and whether there were more. */
  async history(
    workspaceId: string,
    accountId: string,
    range: { from: Date; to: Date; limit: number },
  ): Promise<{ points: HistoryRecord[]; truncated: boolean }> {
    const rows: Row[] = await this.dataSource.query(sql.history, [
      workspaceId,
      accountId,
      range.from.toISOString(),
      range.to.toISOString(),
      range.limit + 1,
    ]);
    return {
      points: rows.slice(0, range.limit).reverse().map(historyOf),
      truncated: rows.length > range.limit,
    };
  }

  /** The last `limit` points of the history, latest first. */
  async recentChanges(workspaceId: string, accountId: string, limit: number): Promise<HistoryRecord[]> {
    const rows: Row[] = await this.dataSource.query(sql.recentChanges, [workspaceId, accountId, limit]);
    return rows.map(historyOf);
  }

  /**
   * The history point in effect at a moment (the latest at or before it), with the metric values
   * of the latest point up to then that kept them; undefined when there is no point by then.
   */
  async pointAsOf(
    workspaceId: string,
    accountId: string,
    moment: Date,
  ): Promise<
    | (HistoryRecord & {
        readonly values: Record<string, number | null> | null;
        readonly valuesAt: string | null;
      })
    | undefined
  > {
    const rows: Row[] = await this.dataSource.query(sql.pointAsOf, [
      workspaceId,
      accountId,
      moment.toISOString(),
    ]);
    const row = rows[0];
    if (!row) return undefined;
    return {
      ...historyOf(row),
      values: (row['values'] as Record<string, number | null> | null) ?? null,
      valuesAt: iso(row['values_at']),
    };
  }

  /** The account's subscription events up to a moment, in no particular order. */
  async subscriptionEvents(
    workspaceId: string,
    accountId: string,
    moment: Date,
  ): Promise<SubscriptionEvent[]> {
    const rows: { occurred_at: Date; name: string; subscription_id: string }[] = await this.dataSource.query(
      sql.subscriptionEvents,
      [workspaceId, accountId, moment.toISOString()],
    );
    return rows.map((r) => ({
      at: r.occurred_at.toISOString(),
      name: r.name,
      subscriptionId: r.subscription_id,
    }));
  }

  /** The last `limit` events that can move the account's score, latest first. */
  async recentEvents(workspaceId: string, accountId: string, limit: number): Promise<EventRecord[]> {
    const rows: { event_id: string; occurred_at: Date; name: string; detail: Record<string, unknown> }[] =
      await this.dataSource.query(sql.recentEvents, [workspaceId, accountId, limit]);
    return rows.map((r) => ({
      eventId: r.event_id,
      occurredAt: r.occurred_at.toISOString(),
      name: r.name,
      detail: r.detail,
    }));
  }
}

function accountOf(r: Row): AccountRecord {
  return {
    accountId: r['account_id'] as string,
    name: r['name'] as string | null,
    plan: r['plan'] as string | null,
    mrr: num(r['mrr']),
    seats: num(r['seats']),
    renewalDate: r['renewal_date'] as string | null,
    owner: r['owner'] as string | null,
    segment: r['segment'] as string | null,
    industry: r['industry'] as string | null,
    traits: (r['traits'] as Record<string, unknown> | null) ?? {},
    phase: r['phase'] as LifecyclePhase,
    touchModel: r['touch_model'] as TouchModel,
    firstSeenAt: iso(r['first_seen_at']) ?? '',
    lastSeenAt: iso(r['last_seen_at']),
    lastSignInAt: iso(r['last_sign_in_at']),
    latestNps: num(r['latest_nps']),
    computedScore: num(r['computed_score']),
    score: num(r['score_key']),
    band: r['band'] as HealthBand | null,
    coverage: Number(r['coverage']),
    scorecardId: r['scorecard_id'] as string | null,
    scoredAt: iso(r['scored_at']),
    churnedAt: iso(r['churned_at']),
    churnRisk: (r['churn_risk'] as ChurnRisk | null) ?? null,
    override:
      r['override_id'] === null || r['override_id'] === undefined
        ? null
        : {
            id: r['override_id'] as string,
            score: Number(r['override_score']),
            reason: r['override_reason'] as string,
            author: r['override_author'] as string,
            createdAt: iso(r['override_created_at']) ?? '',
            expiresAt: iso(r['override_expires_at']),
          },
    scoreKey: r['score_key'] as string | null,
    nameKey: r['name_key'] as string,
    churnKey: (r['churn_key'] as string | null) ?? null,
  };
}

function historyOf(r: Row): HistoryRecord {
  return {
    at: iso(r['at']) ?? '',
    score: num(r['score']),
    band: r['band'] as HealthBand | null,
    computedScore: num(r['computed_score']),
    coverage: Number(r['coverage']),
    reason: r['reason'] as string,
  };
}
