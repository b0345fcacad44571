import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChurnRisk } from '@tsuzuku/contracts';
import { defineStatements } from '@tsuzuku/platform-database';
import { RenewalInput, RenewalOutcomeInput } from './domain/renewal-forecast';

const sql = defineStatements('reporting.renewal-forecast', {
  renewals: `
    SELECT o.account_id, to_char(o.renewal_date, 'YYYY-MM-DD') AS renewal_date, a.current_mrr::text AS mrr,
           o.as_of AS predicted_at, o.churn_risk
    FROM reporting.account_outlook o
    JOIN reporting.accounts a ON a.workspace_id = o.workspace_id AND a.account_id = o.account_id
    WHERE o.workspace_id = $1 AND o.renewal_date >= $2::date AND o.renewal_date < $3::date AND a.current_mrr > 0`,
  recordForecasts: `
    INSERT INTO reporting.renewal_forecasts (workspace_id, day, made_at, currency)
    SELECT w.workspace_id, $1::date, $2, coalesce(s.currency, $3)
    FROM (SELECT DISTINCT workspace_id FROM reporting.account_outlook) w
    LEFT JOIN reporting.settings s ON s.workspace_id = w.workspace_id
    ON CONFLICT DO NOTHING
    RETURNING workspace_id`,
  recordForecastAccounts: `
    INSERT INTO reporting.renewal_forecast_accounts
      (workspace_id, day, account_id, renewal_date, mrr, predicted_at, churn_risk)
    SELECT o.workspace_id, $2::date, o.account_id, o.renewal_date, a.current_mrr, o.as_of, o.churn_risk
    FROM reporting.account_outlook o
    JOIN reporting.accounts a ON a.workspace_id = o.workspace_id AND a.account_id = o.account_id
    WHERE o.workspace_id = ANY($1::text[]) AND o.renewal_date >= $2::date AND o.renewal_date < $3::date
      AND a.current_mrr > 0`,
  forecast: `
    SELECT made_at, currency FROM reporting.renewal_forecasts WHERE workspace_id = $1 AND day = $2::date`,
  forecastOutcomes: `
    SELECT f.account_id, to_char(f.renewal_date, 'YYYY-MM-DD') AS renewal_date, f.mrr::text AS mrr,
           f.predicted_at, f.churn_risk,
           coalesce((SELECT m.to_mrr FROM reporting.mrr_movements m
                     WHERE m.workspace_id = f.workspace_id AND m.account_id = f.account_id AND m.occurred_at < $3
                     ORDER BY m.occurred_at DESC LIMIT 1), 0)::text AS end_mrr
    FROM reporting.renewal_forecast_accounts f
    WHERE f.workspace_id = $1 AND f.day = $2::date`,
  recordedDays: `
    SELECT to_char(day, 'YYYY-MM-DD') AS day FROM reporting.renewal_forecasts
    WHERE workspace_id = $1 AND day >= $2::date AND day <= $3::date ORDER BY day`,
});

interface RenewalRow {
  account_id: string;
  renewal_date: string;
  mrr: string;
  predicted_at: Date;
  churn_risk: ChurnRisk | null;
}

const renewalOf = (r: RenewalRow): RenewalInput => ({
  accountId: r.account_id,
  renewalDate: r.renewal_date,
  mrrMicros: Number(r.mrr),
  predictedAt: r.predicted_at.toISOString(),
  churnRisk: r.churn_risk,
});

/** The renewals and their predictions: now, and as recorded by the daily forecasts. */
@Injectable()
export class RenewalForecastRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The accounts with MRR whose present renewal date is in [from, until). */
  async renewals(workspaceId: string, from: string, until: string): Promise<RenewalInput[]> {
    const rows: RenewalRow[] = await this.dataSource.query(sql.renewals, [workspaceId, from, until]);
    return rows.map(renewalOf);
  }

  /**
   * Records the day's forecast of every workspace that has none yet: its renewals in [day, until)
   * as they stand now. Answers the workspaces recorded; a second call the same day records nothing.
   */
  async recordForecasts(
    day: string,
    until: string,
    madeAt: Date,
    defaultCurrency: string,
  ): Promise<string[]> {
    return this.dataSource.transaction(async (m) => {
      const recorded: { workspace_id: string }[] = await m.query(sql.recordForecasts, [
        day,
        madeAt,
        defaultCurrency,
      ]);
      const workspaces = recorded.map((r) => r.workspace_id);
      if (workspaces.length > 0) await m.query(sql.recordForecastAccounts, [workspaces, day, until]);
      return workspaces;
    });
  }

  /** The forecast recorded on `day`, if any. */
  async forecast(
    workspaceId: string,
    day: string,
  ): Promise<{ madeAt: string; currency: string } | undefined> {
    const [row] = (await this.dataSource.query(sql.forecast, [workspaceId, day])) as {
      made_at: Date;
      currency: string;
    }[];
    return row && { madeAt: row.made_at.toISOString(), currency: row.currency };
  }

  /** The renewals of the forecast recorded on `day`, with each account's MRR just before `end`. */
  async forecastOutcomes(workspaceId: string, day: string, end: string): Promise<RenewalOutcomeInput[]> {
    const rows: (RenewalRow & { end_mrr: string })[] = await this.dataSource.query(sql.forecastOutcomes, [
      workspaceId,
      day,
      end,
    ]);
    return rows.map((r) => ({ ...renewalOf(r), endMrrMicros: Number(r.end_mrr) }));
  }

  /** The days in [from, to] a forecast was recorded on. */
  async recordedDays(workspaceId: string, from: string, to: string): Promise<string[]> {
    const rows: { day: string }[] = await this.dataSource.query(sql.recordedDays, [workspaceId, from, to]);
    return rows.map((r) => r.day);
  }
}
