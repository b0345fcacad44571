import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { fromMicros, ratio } from '../kpis/domain/kpi-formulas';
import { MonthIndex, formatMonth, monthDate, monthStart } from '../kpis/domain/month';
import { groupBy, num } from '../read-models/sql';
import { CurrencySettingsStore } from '../settings/currency-settings.store';

const DAY_MS = 86_400_000;
/** The window after a playbook run over which its outcome is judged. */
export const OUTCOME_DAYS = 90;

/** Cohorts, health distribution, alerts and playbook outcomes. */
@Injectable()
export class SecondaryReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: CurrencySettingsStore,
  ) {}

  /**
   * Accounts by the month of their first MRR (new business), and for each month from then to
   * `to`: how many still pay and their MRR, against the cohort's size and its MRR at the end of
   * the start month.
   */
  async cohorts(workspaceId: string, from: MonthIndex, to: MonthIndex) {
    const rows: { cohort: string; month: string; size: string; paying: string; mrr: string }[] =
      await this.dataSource.query(
        `WITH cohort AS (
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
        [
          workspaceId,
          new Date(monthStart(from)).toISOString(),
          new Date(monthStart(to + 1)).toISOString(),
          monthDate(to),
        ],
      );
    const byCohort = groupBy(rows, (r) => r.cohort);
    const cohorts = [...byCohort.entries()].map(([cohort, cells]) => {
      const start = Number(cohort.slice(0, 4)) * 12 + Number(cohort.slice(5, 7)) - 1;
      const size = num(cells[0]!.size);
      const startMrr = num(cells.find((c) => c.month === cohort)?.mrr);
      const byMonth = new Map(cells.map((c) => [c.month, c]));
      const months = [];
      for (let m = start; m <= to; m++) {
        const cell = byMonth.get(formatMonth(m));
        const paying = num(cell?.paying);
        const mrr = num(cell?.mrr);
        months.push({
          age: m - start,
          month: formatMonth(m),
          accounts: paying,
          mrr: fromMicros(mrr),
          logoRetention: ratio(paying, size),
          revenueRetention: ratio(mrr, startMrr),
        });
      }
      return { cohort, accounts: size, startMrr: fromMicros(startMrr), months };
    });
    return { currency: (await this.settings.get(workspaceId)).currency, cohorts };
  }

  /** Accounts per health band at the end of each day (or of each week's first day), by their latest band then. */
  async healthDistribution(workspaceId: string, from: string, to: string, interval: 'day' | 'week') {
    const rows: { date: string; band: string | null; accounts: number }[] = await this.dataSource.query(
      `SELECT to_char(p.day, 'YYYY-MM-DD') AS date, b.band, count(*)::int AS accounts
       FROM generate_series($2::timestamp, $3::timestamp, $4::interval) AS p(day)
       CROSS JOIN LATERAL (
         SELECT DISTINCT ON (account_id) account_id, band FROM reporting.band_changes
         WHERE workspace_id = $1 AND occurred_at < (p.day + interval '1 day') AT TIME ZONE 'UTC'
         ORDER BY account_id, occurred_at DESC, event_id DESC
       ) b
       GROUP BY p.day, b.band ORDER BY p.day`,
      [workspaceId, from, to, interval === 'week' ? '7 days' : '1 day'],
    );
    const points = new Map<
      string,
      { date: string; red: number; yellow: number; green: number; none: number }
    >();
    const step = interval === 'week' ? 7 : 1;
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += step * DAY_MS) {
      const date = new Date(t).toISOString().slice(0, 10);
      points.set(date, { date, red: 0, yellow: 0, green: 0, none: 0 });
    }
    for (const r of rows) {
      const point = points.get(r.date);
      if (!point) continue;
      if (r.band === 'red' || r.band === 'yellow' || r.band === 'green') point[r.band] = r.accounts;
      else point.none += r.accounts;
    }
    return { interval, points: [...points.values()] };
  }

  /** Per rule type: alerts opened and resolved in the range, and the median time to resolve of those resolved. */
  async alerts(workspaceId: string, from: string, to: string) {
    const rows: { rule_type: string; raised: number; resolved: number; median_hours: number | null }[] =
      await this.dataSource.query(
        `SELECT rule_type,
                count(*) FILTER (WHERE raised_at >= $2 AND raised_at < $3)::int AS raised,
                count(*) FILTER (WHERE resolved_at >= $2 AND resolved_at < $3)::int AS resolved,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - raised_at) / 3600)
                  FILTER (WHERE resolved_at >= $2 AND resolved_at < $3) AS median_hours
         FROM reporting.alerts
         WHERE workspace_id = $1 AND ((raised_at >= $2 AND raised_at < $3) OR (resolved_at >= $2 AND resolved_at < $3))
         GROUP BY rule_type ORDER BY rule_type`,
        [workspaceId, `${from}T00:00:00Z`, new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString()],
      );
    return {
      ruleTypes: rows.map((r) => ({
        ruleType: r.rule_type,
        raised: r.raised,
        resolved: r.resolved,
        medianHoursToResolve: r.median_hours === null ? null : Number(r.median_hours),
      })),
    };
  }

  /**
   * Per playbook, over runs started in the range: treated runs, holdout runs, completions, and
   * for treated and holdout accounts that had MRR when the run started and whose 90 days have
   * passed, the share with no MRR 90 days later and their MRR then over their MRR at the start.
   */
  async playbooks(workspaceId: string, from: string, to: string, now = Date.now()) {
    const rows: {
      playbook_id: string;
      playbook_name: string;
      holdout: boolean;
      runs: number;
      completed: number;
      judged: number;
      churned: number;
      start_mrr: string;
      later_mrr: string;
    }[] = await this.dataSource.query(
      `WITH runs AS (
         SELECT r.*, (SELECT to_mrr FROM reporting.mrr_movements m
                      WHERE m.workspace_id = r.workspace_id AND m.account_id = r.account_id AND m.occurred_at <= r.started_at
                      ORDER BY m.occurred_at DESC LIMIT 1) AS mrr_start,
                     (SELECT to_mrr FROM reporting.mrr_movements m
                      WHERE m.workspace_id = r.workspace_id AND m.account_id = r.account_id
                        AND m.occurred_at <= r.started_at + interval '${OUTCOME_DAYS} days'
                      ORDER BY m.occurred_at DESC LIMIT 1) AS mrr_later,
                     r.started_at + interval '${OUTCOME_DAYS} days' <= $4 AS matured
         FROM reporting.playbook_runs r
         WHERE r.workspace_id = $1 AND r.started_at >= $2 AND r.started_at < $3
       )
       SELECT playbook_id, max(playbook_name) AS playbook_name, coalesce(holdout, false) AS holdout,
              count(*)::int AS runs, count(*) FILTER (WHERE status = 'completed')::int AS completed,
              count(*) FILTER (WHERE matured AND mrr_start > 0)::int AS judged,
              count(*) FILTER (WHERE matured AND mrr_start > 0 AND coalesce(mrr_later, 0) = 0)::int AS churned,
              coalesce(sum(mrr_start) FILTER (WHERE matured AND mrr_start > 0), 0)::text AS start_mrr,
              coalesce(sum(coalesce(mrr_later, 0)) FILTER (WHERE matured AND mrr_start > 0), 0)::text AS later_mrr
       FROM runs GROUP BY playbook_id, coalesce(holdout, false) ORDER BY playbook_id`,
      [
        workspaceId,
        `${from}T00:00:00Z`,
        new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString(),
        new Date(now).toISOString(),
      ],
    );
    const byPlaybook = new Map<
      string,
      { name: string; treated?: (typeof rows)[number]; holdout?: (typeof rows)[number] }
    >();
    for (const r of rows) {
      const entry = byPlaybook.get(r.playbook_id) ?? { name: r.playbook_name };
      if (r.holdout) entry.holdout = r;
      else entry.treated = r;
      byPlaybook.set(r.playbook_id, entry);
    }
    const outcome = (r?: (typeof rows)[number]) => ({
      accounts: r?.judged ?? 0,
      logoChurnRate: ratio(r?.churned ?? 0, r?.judged ?? 0),
      nrr: ratio(num(r?.later_mrr), num(r?.start_mrr)),
    });
    return {
      currency: (await this.settings.get(workspaceId)).currency,
      playbooks: [...byPlaybook.entries()].map(([playbookId, e]) => ({
        playbookId,
        playbookName: e.name,
        runs: e.treated?.runs ?? 0,
        holdoutRuns: e.holdout?.runs ?? 0,
        completed: e.treated?.completed ?? 0,
        completionRate: ratio(e.treated?.completed ?? 0, e.treated?.runs ?? 0),
        treated: outcome(e.treated),
        holdout: outcome(e.holdout),
      })),
    };
  }
}
