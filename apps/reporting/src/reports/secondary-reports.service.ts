import { Injectable } from '@nestjs/common';
import { Clock } from '@tsuzuku/platform-runtime';
import { numeric } from '@tsuzuku/platform-database';
import { fromMicros, ratio } from '../kpis/domain/kpi-formulas';
import { MonthIndex, formatMonth, monthDate, monthStart } from '../kpis/domain/month';
import { AlertsRepository } from '../read-models/alerts.repository';
import { BandChangesRepository } from '../read-models/band-changes.repository';
import { MrrRepository } from '../read-models/mrr.repository';
import { PlaybookRunsRepository } from '../read-models/playbook-runs.repository';
import { groupBy } from '../read-models/domain/group-by';
import { CurrencySettingsStore } from '../settings/currency-settings.store';

const DAY_MS = 86_400_000;
export { OUTCOME_DAYS } from '../read-models/playbook-runs.repository';

/** Cohorts, health distribution, alerts and playbook outcomes. */
@Injectable()
export class SecondaryReportsService {
  constructor(
    private readonly settings: CurrencySettingsStore,
    private readonly mrr: MrrRepository,
    private readonly bandChanges: BandChangesRepository,
    private readonly alertRecords: AlertsRepository,
    private readonly playbookRuns: PlaybookRunsRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Accounts by the month of their first MRR (new business), and for each month from then to
   * `to`: how many still pay and their MRR, against the cohort's size and its MRR at the end of
   * the start month.
   */
  async cohorts(workspaceId: string, from: MonthIndex, to: MonthIndex) {
    const rows = await this.mrr.cohortCells(
      workspaceId,
      new Date(monthStart(from)).toISOString(),
      new Date(monthStart(to + 1)).toISOString(),
      monthDate(to),
    );
    const byCohort = groupBy(rows, (r) => r.cohort);
    const cohorts = [...byCohort.entries()].map(([cohort, cells]) => {
      const start = Number(cohort.slice(0, 4)) * 12 + Number(cohort.slice(5, 7)) - 1;
      const size = numeric(cells[0]!.size);
      const startMrr = numeric(cells.find((c) => c.month === cohort)?.mrr);
      const byMonth = new Map(cells.map((c) => [c.month, c]));
      const months = [];
      for (let m = start; m <= to; m++) {
        const cell = byMonth.get(formatMonth(m));
        const paying = numeric(cell?.paying);
        const mrr = numeric(cell?.mrr);
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
    const rows = await this.bandChanges.distribution(
      workspaceId,
      from,
      to,
      interval === 'week' ? '7 days' : '1 day',
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
    const rows = await this.alertRecords.byRuleType(
      workspaceId,
      `${from}T00:00:00Z`,
      new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString(),
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
  async playbooks(workspaceId: string, from: string, to: string) {
    const rows = await this.playbookRuns.outcomes(
      workspaceId,
      `${from}T00:00:00Z`,
      new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString(),
      this.clock.now().toISOString(),
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
      nrr: ratio(numeric(r?.later_mrr), numeric(r?.start_mrr)),
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
