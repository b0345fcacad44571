import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements, numeric } from '@tsuzuku/platform-database';
import {
  ActivityTotals,
  MRR_TOTAL_FIELDS,
  MrrTotals,
  OnboardingTotals,
  SurveyTotals,
} from '../kpis/domain/kpi-formulas';
import { monthOf, monthStart } from '../kpis/domain/month';
import { TOTAL_COLUMNS } from '../read-models/mrr.repository';
import { SliceFilter, isSliced } from './report-filter';

/** The slice columns in the order of their parameters (see `sliceParams`). */
const SLICE_COLUMNS = ['segment', 'touch_model', 'phase', 'owner', 'plan'] as const;

/**
 * The slice as five parameters (segment, touch model, phase, owner, plan), null where the filter
 * leaves the attribute free: the statements read `($n::text IS NULL OR column = $n)` (lower() on both
 * sides for segment, owner and plan).
 */
export function sliceParams(filter: SliceFilter): (string | null)[] {
  return [filter.segment, filter.touchModel, filter.phase, filter.owner, filter.plan].map((v) => v ?? null);
}

/**
 * The slice columns that hold free-text trait values (segment, owner, plan): compared without
 * regard to case, as everywhere in Tsuzuku. Touch model and phase are lower-case names already.
 */
const TRAIT_VALUE_COLUMNS: ReadonlySet<string> = new Set(['segment', 'owner', 'plan']);

/** Conditions on `alias`'s slice columns, the five slice parameters numbered from `first`. */
export function sliceMatch(alias: string, first: number): string {
  return SLICE_COLUMNS.map((c, i) => {
    const param = `$${first + i}`;
    const match = TRAIT_VALUE_COLUMNS.has(c)
      ? `lower(${alias}.${c}) = lower(${param})`
      : `${alias}.${c} = ${param}`;
    return `\n    AND (${param}::text IS NULL OR ${match})`;
  }).join('');
}

/** The end of a month held in a date column, as a timestamptz (UTC, whatever the session's zone). */
const monthEnd = (column: string): string => `((${column} + interval '1 month') AT TIME ZONE 'UTC')`;

/**
 * How a report joins rows of an account in a month to the account's attribute version in effect at
 * the month's end (account_attributes, by its key), keeping the rows of accounts in the slice.
 * `matched`: only accounts with a version (the slice names no ''); `withUnset`: a filter on ''
 * (not set) also keeps accounts with no attributes at all. $1 is the workspace.
 */
function sliceJoins(account: string, month: string, first: number): { matched: string; withUnset: string } {
  const end = monthEnd(month);
  const on = `s.workspace_id = $1 AND s.account_id = ${account} AND s.valid_from < ${end} AND ${end} <= s.valid_to`;
  const unset = SLICE_COLUMNS.map((c) => `coalesce(s.${c}, '') AS ${c}`).join(', ');
  return {
    matched: `JOIN reporting.account_attributes s ON ${on}${sliceMatch('s', first)}`,
    withUnset: `LEFT JOIN reporting.account_attributes s ON ${on}
      JOIN LATERAL (SELECT ${unset}) x ON true${sliceMatch('x', first)}`,
  };
}

/** A sliced statement in its two forms: accounts in the slice, and with accounts without attributes. */
function sliceForms(build: (join: string) => string, account: string, month: string, first: number) {
  const joins = sliceJoins(account, month, first);
  return { matched: build(joins.matched), withUnset: build(joins.withUnset) };
}

/**
 * The attribute versions of the accounts in the slice (slice parameters numbered from `first`),
 * each with the months whose end it is in effect at: [first_month, end_month). A version valid
 * over [from, to) is the one of month m when from < end of m <= to, that is when m is at or after
 * from's month and before to's month. Sliced reports start here, so that they read the rows of
 * the slice's accounts alone (by the indexes on workspace, account and month).
 */
const sliceVersions = (first: number) => `
    SELECT s.account_id, date_trunc('month', s.valid_from AT TIME ZONE 'UTC')::date AS first_month,
           date_trunc('month', s.valid_to AT TIME ZONE 'UTC')::date AS end_month
    FROM reporting.account_attributes s
    WHERE s.workspace_id = $1${sliceMatch('s', first)}`;

/** Rows of `alias` (by account and month) of the accounts in the slice, in the month span $2..$3. */
const ofSliceAccounts = (table: string, alias: string) =>
  `v JOIN reporting.${table} ${alias} ON ${alias}.workspace_id = $1 AND ${alias}.account_id = v.account_id
      AND ${alias}.month BETWEEN $2 AND $3 AND ${alias}.month >= v.first_month AND ${alias}.month < v.end_month`;

const activityOfSlice = `
  WITH v AS (${sliceVersions(4)}
  ), accounts AS (
    SELECT a.month, count(*) AS accounts FROM ${ofSliceAccounts('activity_accounts', 'a')}
    GROUP BY a.month
  ), users AS (
    SELECT d.month, d.user_id, bit_or(d.days) AS days FROM ${ofSliceAccounts('activity_user_days', 'd')}
    GROUP BY d.month, d.user_id
  )
  SELECT to_char(a.month, 'YYYY-MM') AS month, a.accounts::text,
         coalesce(u.users, 0)::text AS users, coalesce(u.user_days, 0)::text AS user_days
  FROM accounts a
  LEFT JOIN (SELECT month, count(*) AS users, sum(bit_count(days::bit(32))) AS user_days FROM users GROUP BY month) u
    USING (month)`;

const npsOfSlice = `
  WITH v AS (${sliceVersions(4)}
  )
  SELECT to_char(n.month, 'YYYY-MM') AS month, count(*)::int AS respondents,
         count(*) FILTER (WHERE n.score >= 9)::int AS promoters,
         count(*) FILTER (WHERE n.score <= 6)::int AS detractors
  FROM ${ofSliceAccounts('nps_latest', 'n')}
  GROUP BY n.month`;

const csatOfSlice = `
  WITH v AS (${sliceVersions(4)}
  )
  SELECT to_char(c.month, 'YYYY-MM') AS month, count(*)::int AS responses,
         count(*) FILTER (WHERE c.score >= 4)::int AS satisfied
  FROM ${ofSliceAccounts('survey_responses', 'c')} AND c.survey = 'csat'
  GROUP BY c.month`;

const activitySliced = (join: string) => `
  WITH active AS (
    SELECT a.month, a.account_id FROM reporting.activity_accounts a ${join}
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
    USING (month)`;
const activityWithUnset = activitySliced(sliceJoins('a.account_id', 'a.month', 4).withUnset);

const npsWithUnset = ((join: string) => `
  SELECT to_char(n.month, 'YYYY-MM') AS month, count(*)::int AS respondents,
         count(*) FILTER (WHERE n.score >= 9)::int AS promoters,
         count(*) FILTER (WHERE n.score <= 6)::int AS detractors
  FROM reporting.nps_latest n ${join}
  WHERE n.workspace_id = $1 AND n.month BETWEEN $2 AND $3
  GROUP BY n.month`)(sliceJoins('n.account_id', 'n.month', 4).withUnset);

const csatWithUnset = ((join: string) => `
  SELECT to_char(c.month, 'YYYY-MM') AS month, count(*)::int AS responses,
         count(*) FILTER (WHERE c.score >= 4)::int AS satisfied
  FROM reporting.survey_responses c ${join}
  WHERE c.workspace_id = $1 AND c.survey = 'csat' AND c.month BETWEEN $2 AND $3
  GROUP BY c.month`)(sliceJoins('c.account_id', 'c.month', 4).withUnset);

const onboardingSliced = sliceForms(
  (join) => `
  SELECT to_char(o.month, 'YYYY-MM') AS month, count(*)::int AS eligible,
         count(*) FILTER (WHERE o.onboarding_completed)::int AS completed
  FROM (SELECT account_id, onboarding_completed,
               date_trunc('month', first_started_at AT TIME ZONE 'UTC')::date AS month
        FROM reporting.accounts
        WHERE workspace_id = $1 AND first_started_at >= $2 AND first_started_at < $3
          AND first_started_at <= $4) o
  ${join}
  GROUP BY o.month`,
  'o.account_id',
  'o.month',
  5,
);

const sql = defineStatements('reporting.kpis', {
  mrrTotals: `
    SELECT to_char(month, 'YYYY-MM') AS month,
           ${MRR_TOTAL_FIELDS.map((f) => `${TOTAL_COLUMNS[f]}::text AS "${f}"`).join(',\n           ')}
    FROM reporting.workspace_month_totals
    WHERE workspace_id = $1 AND month BETWEEN $2 AND $3`,
  mrrTotalsSliced: `
    SELECT to_char(month, 'YYYY-MM') AS month,
           ${MRR_TOTAL_FIELDS.map((f) => `sum(${TOTAL_COLUMNS[f]})::text AS "${f}"`).join(',\n           ')}
    FROM reporting.month_totals t
    WHERE workspace_id = $1 AND month BETWEEN $2 AND $3${sliceMatch('t', 4)}
    GROUP BY month`,
  activityTotals: `
    SELECT to_char(month, 'YYYY-MM') AS month, active_accounts, users, user_days
    FROM reporting.activity_totals WHERE workspace_id = $1 AND month BETWEEN $2 AND $3`,
  activitySliced: activityOfSlice,
  activitySlicedWithUnset: activityWithUnset,
  surveyTotals: `
    SELECT to_char(month, 'YYYY-MM') AS month, nps_respondents AS respondents, promoters, detractors,
           csat_responses AS responses, csat_satisfied AS satisfied
    FROM reporting.survey_month_totals WHERE workspace_id = $1 AND month BETWEEN $2 AND $3`,
  npsSliced: npsOfSlice,
  npsSlicedWithUnset: npsWithUnset,
  csatSliced: csatOfSlice,
  csatSlicedWithUnset: csatWithUnset,
  // Months before $5 (the month of the last start old enough to judge) from the totals kept on
  // write; the starts of $5's month up to $4 from the accounts themselves.
  onboarding: `
    SELECT month, sum(eligible)::int AS eligible, sum(completed)::int AS completed FROM (
      SELECT to_char(month, 'YYYY-MM') AS month, started AS eligible, completed
      FROM reporting.onboarding_month_totals
      WHERE workspace_id = $1 AND month >= ($2::timestamptz AT TIME ZONE 'UTC')::date
        AND month < (least($3::timestamptz, $5::timestamptz) AT TIME ZONE 'UTC')::date
      UNION ALL
      SELECT to_char(first_started_at AT TIME ZONE 'UTC', 'YYYY-MM'), 1, onboarding_completed::int
      FROM reporting.accounts
      WHERE workspace_id = $1 AND first_started_at >= greatest($2::timestamptz, $5::timestamptz)
        AND first_started_at < $3 AND first_started_at <= $4
    ) o GROUP BY month`,
  onboardingSliced: onboardingSliced.matched,
  onboardingSlicedWithUnset: onboardingSliced.withUnset,
  conversionErrors: `
    SELECT event_id, account_id, subscription_id, occurred_at, currency, amount::text
    FROM reporting.conversion_errors WHERE workspace_id = $1 AND occurred_at < $2
    ORDER BY occurred_at, event_id LIMIT 1000`,
});

/**
 * The statement of a sliced query in the form the filter needs (a filter on '' also keeps the
 * accounts without attributes), with its slice parameters.
 */
function sliced(
  forms: { matched: keyof typeof sql; withUnset: keyof typeof sql },
  filter: SliceFilter,
): { statement: string; params: (string | null)[] } {
  const withUnset = Object.values(filter).includes('');
  return { statement: sql[withUnset ? forms.withUnset : forms.matched], params: sliceParams(filter) };
}

/** A workspace and a month range, as the statements take them ($1, $2, $3: first months as dates). */
export interface MonthSpan {
  readonly workspaceId: string;
  readonly from: string;
  readonly to: string;
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

const NO_SURVEYS: SurveyTotals = {
  npsRespondents: 0,
  promoters: 0,
  detractors: 0,
  csatResponses: 0,
  csatSatisfied: 0,
};

/**
 * The reads behind the KPI report, by month ('YYYY-MM'). The MRR figures come from the month
 * totals, kept by delta on write, so a month costs a handful of rows whatever the number of
 * accounts; unsliced activity comes from the workspace's activity totals; sliced activity, surveys
 * and onboarding join each account to its attribute version in effect at the end of the month.
 */
@Injectable()
export class KpiRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The month totals of the slice (every MRR total field, in millionths). */
  async mrrTotals(span: MonthSpan, filter: SliceFilter): Promise<Map<string, MrrTotals>> {
    const rows: Record<string, string>[] = isSliced(filter)
      ? await this.dataSource.query(sql.mrrTotalsSliced, [...spanParams(span), ...sliceParams(filter)])
      : await this.dataSource.query(sql.mrrTotals, spanParams(span));
    return new Map(
      rows.map((r) => [
        r['month']!,
        Object.fromEntries(MRR_TOTAL_FIELDS.map((f) => [f, numeric(r[f])])) as unknown as MrrTotals,
      ]),
    );
  }

  async activityTotals(span: MonthSpan, filter: SliceFilter): Promise<Map<string, ActivityTotals>> {
    if (!isSliced(filter)) {
      const rows: { month: string; active_accounts: number; users: number; user_days: number }[] =
        await this.dataSource.query(sql.activityTotals, spanParams(span));
      return new Map(
        rows.map((r) => [
          r.month,
          { activeAccounts: r.active_accounts, users: r.users, userDays: r.user_days },
        ]),
      );
    }
    const q = sliced({ matched: 'activitySliced', withUnset: 'activitySlicedWithUnset' }, filter);
    const rows: { month: string; accounts: string; users: string; user_days: string }[] =
      await this.dataSource.query(q.statement, [...spanParams(span), ...q.params]);
    return new Map(
      rows.map((r) => [
        r.month,
        { activeAccounts: numeric(r.accounts), users: numeric(r.users), userDays: numeric(r.user_days) },
      ]),
    );
  }

  async surveyTotals(span: MonthSpan, filter: SliceFilter): Promise<Map<string, SurveyTotals>> {
    type NpsRow = { month: string; respondents: number; promoters: number; detractors: number };
    type CsatRow = { month: string; responses: number; satisfied: number };
    let npsRows: NpsRow[];
    let csatRows: CsatRow[];
    if (!isSliced(filter)) {
      const rows: (NpsRow & CsatRow)[] = await this.dataSource.query(sql.surveyTotals, spanParams(span));
      npsRows = rows.filter((r) => r.respondents > 0);
      csatRows = rows.filter((r) => r.responses > 0);
    } else {
      const n = sliced({ matched: 'npsSliced', withUnset: 'npsSlicedWithUnset' }, filter);
      const c = sliced({ matched: 'csatSliced', withUnset: 'csatSlicedWithUnset' }, filter);
      [npsRows, csatRows] = await Promise.all([
        this.dataSource.query(n.statement, [...spanParams(span), ...n.params]) as Promise<NpsRow[]>,
        this.dataSource.query(c.statement, [...spanParams(span), ...c.params]) as Promise<CsatRow[]>,
      ]);
    }
    const totals = new Map<string, SurveyTotals>();
    for (const r of npsRows)
      totals.set(r.month, {
        ...NO_SURVEYS,
        npsRespondents: r.respondents,
        promoters: r.promoters,
        detractors: r.detractors,
      });
    for (const r of csatRows)
      totals.set(r.month, {
        ...(totals.get(r.month) ?? NO_SURVEYS),
        csatResponses: r.responses,
        csatSatisfied: r.satisfied,
      });
    return totals;
  }

  /**
   * Accounts by the month they first started ([from, until) as instants), those that started by
   * `startedBy` (so their onboarding window has passed), and how many completed onboarding in it.
   */
  async onboardingTotals(
    workspaceId: string,
    range: { from: string; until: string; startedBy: string },
    filter: SliceFilter,
  ): Promise<Map<string, OnboardingTotals>> {
    const params = [workspaceId, range.from, range.until, range.startedBy];
    let rows: { month: string; eligible: number; completed: number }[];
    if (isSliced(filter)) {
      const q = sliced({ matched: 'onboardingSliced', withUnset: 'onboardingSlicedWithUnset' }, filter);
      rows = await this.dataSource.query(q.statement, [...params, ...q.params]);
    } else {
      const lastMonth = new Date(monthStart(monthOf(Date.parse(range.startedBy)))).toISOString();
      rows = await this.dataSource.query(sql.onboarding, [...params, lastMonth]);
    }
    return new Map(rows.map((r) => [r.month, { eligible: r.eligible, completed: r.completed }]));
  }

  /** The first 1000 subscription events before `before` that could not be converted, in time order. */
  async conversionErrors(workspaceId: string, before: string): Promise<ConversionError[]> {
    const rows: {
      event_id: string;
      account_id: string;
      subscription_id: string;
      occurred_at: Date;
      currency: string;
      amount: string | null;
    }[] = await this.dataSource.query(sql.conversionErrors, [workspaceId, before]);
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

const spanParams = (span: MonthSpan): string[] => [span.workspaceId, span.from, span.to];
