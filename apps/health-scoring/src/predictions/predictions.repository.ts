import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements } from '@tsuzuku/platform-database';
import { AccountOutcomes, MrrPoint, SubscriptionEvent, churnedOnIn, outcomeDays } from './domain/outcomes';
import { AccountTimeline, ValueSnapshot, addDays } from './domain/training-set';

const SQL = defineStatements('health-scoring.predictions', {
  accounts: `
    SELECT account_id, renewal_date::text AS renewal_date FROM health_scoring.accounts
    WHERE workspace_id = $1 ORDER BY account_id`,
  subscriptionEvents: `
    SELECT account_id, occurred_at, name, coalesce(detail->>'subscription_id', '') AS subscription_id
    FROM health_scoring.account_events
    WHERE workspace_id = $1 AND occurred_at < $2::timestamptz
      AND name IN ('Subscription Started', 'Subscription Changed', 'Subscription Renewed', 'Subscription Cancelled')`,
  mrrPoints: `
    SELECT account_id, at, mrr::float8 AS mrr FROM health_scoring.mrr_points
    WHERE workspace_id = $1 AND at < $2::timestamptz`,
  // Per account of the workspace and per day of $2, the values of metrics $3 (in their order) of
  // the latest point up to the day's end that kept values.
  valuesOnDays: `
    SELECT a.account_id, d.day::text AS day, v.vals
    FROM health_scoring.accounts a
    CROSS JOIN unnest($2::date[]) AS d(day)
    CROSS JOIN LATERAL (SELECT array(SELECT (h.measures->>x.metric)::float8
        FROM unnest($3::text[]) WITH ORDINALITY AS x(metric, n) ORDER BY x.n) AS vals
      FROM health_scoring.score_history h
      WHERE h.workspace_id = $1 AND h.account_id = a.account_id
        AND h.at < ((d.day + 1)::timestamp AT TIME ZONE 'UTC') AND h.measures IS NOT NULL
      ORDER BY h.at DESC, h.id DESC LIMIT 1) v
    WHERE a.workspace_id = $1 AND ($4::text[] IS NULL OR a.account_id = ANY($4::text[]))
    ORDER BY a.account_id, d.day`,
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
   * Each account of the workspace (in account order) as the churn model reads it: its values of
   * `metrics` as they stood at the end of each of `days` (a snapshot per day on which it had a
   * history point with values by then, in day order), the first churn from `from` to `to` or an
   * earlier one it had not come back from (churnedOnIn). Only the days asked are read: a
   * workspace's whole daily history would not fit in memory. With `accountIds`, only those
   * accounts (the others are left out of the answer).
   */
  async timelinesOnDays(
    workspaceId: string,
    days: readonly string[],
    metrics: readonly string[],
    period: { readonly from: string; readonly to: string },
    today: string,
    accountIds: readonly string[] | null = null,
  ): Promise<AccountTimeline[]> {
    const [all, rows] = await Promise.all([
      this.outcomeHistories(workspaceId, period.to, today),
      this.dataSource.query(SQL.valuesOnDays, [workspaceId, days, metrics, accountIds]) as Promise<
        { account_id: string; day: string; vals: (number | null)[] }[]
      >,
    ]);
    const snapshotsOf = new Map<string, ValueSnapshot[]>();
    for (const r of rows) {
      push(snapshotsOf, r.account_id, {
        day: r.day,
        values: Object.fromEntries(metrics.map((m, i) => [m, r.vals[i] ?? null])),
      });
    }
    const among = accountIds === null ? null : new Set(accountIds);
    const accounts = among === null ? all : all.filter((a) => among.has(a.accountId));
    return accounts.map(({ accountId, outcomes }) => ({
      accountId,
      snapshots: snapshotsOf.get(accountId) ?? [],
      churnedOn: churnedOnIn(outcomes, period.from, period.to),
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
