import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements } from '@tsuzuku/platform-database';
import { AccountOutcomes, MrrPoint, SubscriptionEvent, churnedOnIn, outcomeDays } from './domain/outcomes';
import { AccountTimeline, ValueSnapshot, addDays } from './domain/training-set';

/** One account's past over a period: its daily measure values and its outcomes. */
export interface AccountHistory {
  /**
   * snapshots: for each day of the period with a history point that kept measure values, the
   * values of the day's last point (metric → value), in day order; churnedOn: the account's first
   * churn in the period, or an earlier churn it had not come back from by the period's start.
   */
  readonly timeline: AccountTimeline;
  /** Every outcome day of the account in the period, and the days it (re)subscribed in it. */
  readonly outcomes: AccountOutcomes;
}

const SQL = defineStatements('health-scoring.predictions', {
  accounts: `
    SELECT account_id, renewal_date::text AS renewal_date FROM health_scoring.accounts
    WHERE workspace_id = $1 ORDER BY account_id`,
  dailySnapshots: `
    SELECT DISTINCT ON (account_id, day) account_id, day, measures
    FROM (SELECT account_id, (at AT TIME ZONE 'UTC')::date::text AS day, at, id, measures
      FROM health_scoring.score_history
      WHERE workspace_id = $1 AND at >= $2::timestamptz AND at < $3::timestamptz AND measures IS NOT NULL) h
    ORDER BY account_id, day, at DESC, id DESC`,
  subscriptionEvents: `
    SELECT account_id, occurred_at, name, coalesce(detail->>'subscription_id', '') AS subscription_id
    FROM health_scoring.account_events
    WHERE workspace_id = $1 AND occurred_at < $2::timestamptz
      AND name IN ('Subscription Started', 'Subscription Changed', 'Subscription Renewed', 'Subscription Cancelled')`,
  mrrPoints: `
    SELECT account_id, at, mrr::float8 AS mrr FROM health_scoring.mrr_points
    WHERE workspace_id = $1 AND at < $2::timestamptz`,
  // Per (account, day), the metric values of the latest point up to the day's end that kept them.
  valuesAt: `
    SELECT k.account_id, k.day::text AS day, h.measures
    FROM unnest($2::text[], $3::date[]) AS k(account_id, day)
    CROSS JOIN LATERAL (SELECT measures FROM health_scoring.score_history h
      WHERE h.workspace_id = $1 AND h.account_id = k.account_id
        AND h.at < ((k.day + 1)::timestamp AT TIME ZONE 'UTC') AND h.measures IS NOT NULL
      ORDER BY h.at DESC, h.id DESC LIMIT 1) h`,
});

/** An account and its outcomes over all time up to some day. */
export interface AccountOutcomeHistory {
  readonly accountId: string;
  readonly outcomes: AccountOutcomes;
}

const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

/** What the predictions read of the score history and of the accounts' subscriptions. */
@Injectable()
export class PredictionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Each account of the workspace with its daily measure-value timeline and its outcome days over
   * the period from..to (YYYY-MM-DD, UTC days, both included), in account order.
   *
   * - timeline.snapshots: one per day of the period on which the account has a score history
   *   point with measure values, holding the values of that day's last point (metric name →
   *   value, null where the account had no data), in day order. Days without a point have no
   *   snapshot: the value of a day is the latest snapshot on or before it (snapshotOn).
   * - timeline.churnedOn: the first churn day in the period, or an earlier churn the account had
   *   not come back from by `from`; null otherwise.
   * - outcomes.churn: days the account went from a subscription in force to none (all its
   *   subscriptions, each at its latest event by event time, cancelled);
   *   outcomes.contraction: days its MRR went down to a value above 0;
   *   outcomes.renewal: days with a Subscription Renewed event, and its current renewal date when
   *   that has passed (by `today`) while a subscription was in force;
   *   outcomes.subscribed: days it went from no subscription in force to one.
   *   Each list holds the days within from..to only, in order.
   *
   * Accounts with neither snapshots nor outcomes in the period are included with empty lists.
   * The shape is relied on by the churn model: keep it.
   */
  async accountHistories(
    workspaceId: string,
    period: { readonly from: string; readonly to: string },
    today: string = new Date().toISOString().slice(0, 10),
  ): Promise<AccountHistory[]> {
    const start = `${period.from}T00:00:00.000Z`;
    const end = `${addDays(period.to, 1)}T00:00:00.000Z`;
    const [accounts, snapshots] = await Promise.all([
      this.outcomeHistories(workspaceId, period.to, today),
      this.dataSource.query(SQL.dailySnapshots, [workspaceId, start, end]) as Promise<
        Record<string, unknown>[]
      >,
    ]);
    const snapshotsOf = new Map<string, ValueSnapshot[]>();
    for (const r of snapshots)
      push(snapshotsOf, r['account_id'] as string, {
        day: r['day'] as string,
        values: r['measures'] as Record<string, number | null>,
      });
    const inPeriod = (days: readonly string[]) => days.filter((d) => d >= period.from && d <= period.to);
    return accounts.map(({ accountId, outcomes: all }) => ({
      timeline: {
        accountId,
        snapshots: snapshotsOf.get(accountId) ?? [],
        churnedOn: churnedOnIn(all, period.from, period.to),
      },
      outcomes: {
        churn: inPeriod(all.churn),
        contraction: inPeriod(all.contraction),
        renewal: inPeriod(all.renewal),
        subscribed: inPeriod(all.subscribed),
      },
    }));
  }

  /**
   * Each account of the workspace (in account order) with its outcome days over all time up to
   * the end of `to` (see outcomeDays; the renewal date counts once it has passed by `today`).
   */
  async outcomeHistories(workspaceId: string, to: string, today: string): Promise<AccountOutcomeHistory[]> {
    const end = `${addDays(to, 1)}T00:00:00.000Z`;
    const [accounts, events, mrr] = (await Promise.all([
      this.dataSource.query(SQL.accounts, [workspaceId]),
      this.dataSource.query(SQL.subscriptionEvents, [workspaceId, end]),
      this.dataSource.query(SQL.mrrPoints, [workspaceId, end]),
    ])) as Record<string, unknown>[][];
    const eventsOf = new Map<string, SubscriptionEvent[]>();
    for (const r of events!)
      push(eventsOf, r['account_id'] as string, {
        at: new Date(r['occurred_at'] as string).toISOString(),
        name: r['name'] as string,
        subscriptionId: r['subscription_id'] as string,
      });
    const mrrOf = new Map<string, MrrPoint[]>();
    for (const r of mrr!)
      push(mrrOf, r['account_id'] as string, {
        at: new Date(r['at'] as string).toISOString(),
        mrr: Number(r['mrr']),
      });
    const renewalBy = to < today ? to : today;
    return accounts!.map((a) => {
      const accountId = a['account_id'] as string;
      return {
        accountId,
        outcomes: outcomeDays(
          eventsOf.get(accountId) ?? [],
          mrrOf.get(accountId) ?? [],
          (a['renewal_date'] as string | null) ?? null,
          renewalBy,
        ),
      };
    });
  }

  /**
   * For each (account, day), the metric values in effect at the end of the day: those of the
   * latest history point up to then that kept them. Keyed `${accountId}\u0000${day}`; pairs
   * without such a point are absent. Duplicate pairs are read once.
   */
  async valuesAt(
    workspaceId: string,
    pairs: readonly { readonly accountId: string; readonly day: string }[],
  ): Promise<Map<string, Record<string, number | null>>> {
    const distinct = new Map(pairs.map((p) => [`${p.accountId}\u0000${p.day}`, p]));
    const out = new Map<string, Record<string, number | null>>();
    if (distinct.size === 0) return out;
    const list = [...distinct.values()];
    const rows: { account_id: string; day: string; measures: Record<string, number | null> }[] =
      await this.dataSource.query(SQL.valuesAt, [
        workspaceId,
        list.map((p) => p.accountId),
        list.map((p) => p.day),
      ]);
    for (const r of rows) out.set(`${r.account_id}\u0000${r.day}`, r.measures);
    return out;
  }
}
