import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  ActivityTotals,
  MRR_TOTAL_FIELDS,
  MrrTotals,
  OnboardingTotals,
  SurveyTotals,
} from '../kpis/domain/kpi-formulas';
import { MonthIndex, monthDate, monthStart } from '../kpis/domain/month';
import { ONBOARDING_WINDOW_MS } from '../kpis/domain/onboarding';
import { TOTAL_COLUMNS } from '../read-models/mrr.repository';
import { num } from '../read-models/sql';
import { SliceFilter, isSliced, sliceConditions, sliceJoin } from './report-filter';

export interface MonthFigures {
  readonly mrr: Map<string, MrrTotals>;
  readonly activity: Map<string, ActivityTotals>;
  readonly surveys: Map<string, SurveyTotals>;
  readonly onboarding: Map<string, OnboardingTotals>;
}

export interface ConversionError {
  readonly eventId: string;
  readonly accountId: string;
  readonly subscriptionId: string;
  readonly occurredAt: string;
  readonly currency: string;
  readonly amount: number | null;
  readonly message: string;
}

/**
 * The queries behind the KPI report. The MRR figures come from the month totals, kept by delta
 * on write, so a month costs a handful of rows whatever the number of accounts; unsliced activity
 * comes from the workspace's activity totals; sliced activity, surveys and onboarding join each
 * account to its attribute version in effect at the end of the month (sliceJoin, by key).
 */
@Injectable()
export class KpiStore {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async figures(
    workspaceId: string,
    from: MonthIndex,
    to: MonthIndex,
    filter: SliceFilter,
    now: number,
  ): Promise<MonthFigures> {
    const range = [workspaceId, monthDate(from), monthDate(to)];
    const [mrr, activity, surveys, onboarding] = await Promise.all([
      this.mrrTotals(range, filter),
      this.activityTotals(range, filter),
      this.surveyTotals(range, filter),
      this.onboardingTotals(range, filter, from, to, now),
    ]);
    return { mrr, activity, surveys, onboarding };
  }

  private async mrrTotals(range: string[], filter: SliceFilter): Promise<Map<string, MrrTotals>> {
    const slice = sliceConditions(filter, 't', 4);
    const rows: Record<string, string>[] = await this.dataSource.query(
      `SELECT to_char(month, 'YYYY-MM') AS month,
              ${MRR_TOTAL_FIELDS.map((f) => `sum(${TOTAL_COLUMNS[f]})::text AS "${f}"`).join(', ')}
       FROM reporting.month_totals t
       WHERE workspace_id = $1 AND month BETWEEN $2 AND $3${slice.sql}
       GROUP BY month`,
      [...range, ...slice.params],
    );
    return new Map(
      rows.map((r) => [
        r['month']!,
        Object.fromEntries(MRR_TOTAL_FIELDS.map((f) => [f, num(r[f])])) as unknown as MrrTotals,
      ]),
    );
  }

  private async activityTotals(range: string[], filter: SliceFilter): Promise<Map<string, ActivityTotals>> {
    if (!isSliced(filter)) {
      const rows: { month: string; active_accounts: number; users: number; user_days: number }[] =
        await this.dataSource.query(
          `SELECT to_char(month, 'YYYY-MM') AS month, active_accounts, users, user_days
           FROM reporting.activity_totals WHERE workspace_id = $1 AND month BETWEEN $2 AND $3`,
          range,
        );
      return new Map(
        rows.map((r) => [
          r.month,
          { activeAccounts: r.active_accounts, users: r.users, userDays: r.user_days },
        ]),
      );
    }
    const sliced = sliceJoin(filter, 'a.account_id', 'a.month', 4);
    const rows: { month: string; accounts: string; users: string; user_days: string }[] =
      await this.dataSource.query(
        `WITH active AS (
         SELECT a.month, a.account_id FROM reporting.activity_accounts a ${sliced.sql}
         WHERE a.workspace_id = $1 AND a.month BETWEEN $2 AND $3
       ), users AS (
         SELECT d.month, d.user_id, bit_or(d.days) AS days
         FROM reporting.activity_user_days d JOIN active USING (month, account_id)
         WHERE d.workspace_id = $1 AND d.month BETWEEN $2 AND $3
         GROUP BY d.month, d.user_id
       )
       SELECT to_char(a.month, 'YYYY-MM') AS month, a.accounts::text,
              coalesce(u.users, 0)::text AS users, coalesce(u.user_days, 0)::text AS user_days
       FROM (SELECT month, count(*) AS accounts FROM active GROUP BY month) a
       LEFT JOIN (SELECT month, count(*) AS users, sum(bit_count(days::bit(32))) AS user_days FROM users GROUP BY month) u
         USING (month)`,
        [...range, ...sliced.params],
      );
    return new Map(
      rows.map((r) => [
        r.month,
        { activeAccounts: num(r.accounts), users: num(r.users), userDays: num(r.user_days) },
      ]),
    );
  }

  private async surveyTotals(range: string[], filter: SliceFilter): Promise<Map<string, SurveyTotals>> {
    const sliced = isSliced(filter);
    const join = (alias: string) =>
      sliced ? sliceJoin(filter, `${alias}.account_id`, `${alias}.month`, 4) : { sql: '', params: [] };
    const params = [...range, ...join('n').params];
    const [nps, csat] = await Promise.all([
      this.dataSource.query(
        `SELECT to_char(n.month, 'YYYY-MM') AS month, count(*)::int AS respondents,
                count(*) FILTER (WHERE n.score >= 9)::int AS promoters,
                count(*) FILTER (WHERE n.score <= 6)::int AS detractors
         FROM reporting.nps_latest n ${join('n').sql}
         WHERE n.workspace_id = $1 AND n.month BETWEEN $2 AND $3
         GROUP BY n.month`,
        params,
      ) as Promise<{ month: string; respondents: number; promoters: number; detractors: number }[]>,
      this.dataSource.query(
        `SELECT to_char(c.month, 'YYYY-MM') AS month, count(*)::int AS responses,
                count(*) FILTER (WHERE c.score >= 4)::int AS satisfied
         FROM reporting.survey_responses c ${join('c').sql}
         WHERE c.workspace_id = $1 AND c.survey = 'csat' AND c.month BETWEEN $2 AND $3
         GROUP BY c.month`,
        params,
      ) as Promise<{ month: string; responses: number; satisfied: number }[]>,
    ]);
    const totals = new Map<string, SurveyTotals>();
    const empty: SurveyTotals = {
      npsRespondents: 0,
      promoters: 0,
      detractors: 0,
      csatResponses: 0,
      csatSatisfied: 0,
    };
    for (const r of nps)
      totals.set(r.month, {
        ...empty,
        npsRespondents: r.respondents,
        promoters: r.promoters,
        detractors: r.detractors,
      });
    for (const r of csat)
      totals.set(r.month, {
        ...(totals.get(r.month) ?? empty),
        csatResponses: r.responses,
        csatSatisfied: r.satisfied,
      });
    return totals;
  }

  private async onboardingTotals(
    range: readonly string[],
    filter: SliceFilter,
    from: MonthIndex,
    to: MonthIndex,
    now: number,
  ): Promise<Map<string, OnboardingTotals>> {
    const sliced = isSliced(filter) ? sliceJoin(filter, 'o.account_id', 'o.month', 5) : undefined;
    const rows: { month: string; eligible: number; completed: number }[] = await this.dataSource.query(
      `SELECT to_char(o.month, 'YYYY-MM') AS month, count(*)::int AS eligible,
              count(*) FILTER (WHERE o.onboarding_completed_at <= o.first_started_at + interval '30 days')::int AS completed
       FROM (SELECT account_id, first_started_at, onboarding_completed_at,
                    date_trunc('month', first_started_at AT TIME ZONE 'UTC')::date AS month
             FROM reporting.accounts
             WHERE workspace_id = $1 AND first_started_at >= $2 AND first_started_at < $3
               AND first_started_at <= $4) o
       ${sliced?.sql ?? ''}
       GROUP BY o.month`,
      [
        range[0],
        new Date(monthStart(from)).toISOString(),
        new Date(monthStart(to + 1)).toISOString(),
        new Date(now - ONBOARDING_WINDOW_MS).toISOString(),
        ...(sliced?.params ?? []),
      ],
    );
    return new Map(rows.map((r) => [r.month, { eligible: r.eligible, completed: r.completed }]));
  }

  async conversionErrors(workspaceId: string, before: number): Promise<ConversionError[]> {
    const rows: {
      event_id: string;
      account_id: string;
      subscription_id: string;
      occurred_at: Date;
      currency: string;
      amount: string | null;
    }[] = await this.dataSource.query(
      `SELECT event_id, account_id, subscription_id, occurred_at, currency, amount::text
       FROM reporting.conversion_errors WHERE workspace_id = $1 AND occurred_at < $2
       ORDER BY occurred_at, event_id LIMIT 1000`,
      [workspaceId, new Date(before).toISOString()],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      accountId: r.account_id,
      subscriptionId: r.subscription_id,
      occurredAt: r.occurred_at.toISOString(),
      currency: r.currency,
      amount: r.amount === null ? null : Number(r.amount),
      message: `no conversion rate from ${r.currency} to the reporting currency: the event is left out of MRR`,
    }));
  }
}
