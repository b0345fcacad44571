import { AccountUpdatedData, ChurnRisk, ChurnRiskContribution, EventEnvelope } from '@tsuzuku/contracts';
import { fromMicros } from '../../kpis/domain/kpi-formulas';

const DAY_MS = 86_400_000;

/** The longest period a forecast looks ahead; the recorded forecasts hold this many days of renewals. */
export const MAX_FORECAST_DAYS = 365;
/** How many contributions each at-risk renewal is explained by. */
export const TOP_CONTRIBUTIONS = 3;

/** An account's present renewal date and churn prediction, as reporting keeps them. */
export interface OutlookRow {
  readonly workspaceId: string;
  readonly accountId: string;
  readonly asOf: string;
  readonly eventId: string;
  readonly renewalDate: string | null;
  readonly churnRisk: ChurnRisk | null;
}

/**
 * What an account.updated says of the account's present outlook; undefined for a past
 * (backfill) state, which is history and not the present.
 */
export function outlookOf(e: EventEnvelope<'account.updated', AccountUpdatedData>): OutlookRow | undefined {
  if (!e.accountId || e.data.backfill === true) return undefined;
  return {
    workspaceId: e.workspaceId,
    accountId: e.accountId,
    asOf: e.data.asOf ?? e.occurredAt,
    eventId: e.id,
    renewalDate: renewalDay(e.data.renewalDate),
    churnRisk: e.data.churnRisk ?? null,
  };
}

/** The UTC day of a renewal date (a date or a date-time); null when it is none. */
export function renewalDay(value: string | null): string | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

/** A renewal of the period: the account, its renewal day, its MRR (micros) and its prediction then. */
export interface RenewalInput {
  readonly accountId: string;
  readonly renewalDate: string;
  readonly mrrMicros: number;
  /** When the prediction was made (the account.updated's asOf). */
  readonly predictedAt: string;
  readonly churnRisk: ChurnRisk | null;
}

/** One renewal with a prediction: p(renew) = 1 − the churn probability, times its MRR. */
export interface PredictedRenewal {
  readonly accountId: string;
  readonly renewalDate: string;
  readonly mrr: number;
  readonly churnProbability: number;
  readonly renewProbability: number;
  readonly expectedMrr: number;
  readonly horizonDays: number;
  readonly modelId: string;
  /** The renewal falls after the prediction's horizon (predictedAt + horizonDays): 1 − p is stretched. */
  readonly beyondHorizon: boolean;
  readonly topContributions: readonly ChurnRiskContribution[];
}

/** A renewal without a prediction: counted apart, never guessed. */
export interface UnpredictedRenewal {
  readonly accountId: string;
  readonly renewalDate: string;
  readonly mrr: number;
}

/** The forecast of the renewals in [from, from + days). Amounts in the reporting currency. */
export interface RenewalForecast {
  readonly from: string;
  readonly days: number;
  /** The first day after the period. */
  readonly until: string;
  readonly renewals: number;
  readonly renewingMrr: number;
  readonly predictedRenewals: number;
  readonly predictedMrr: number;
  /** Σ (1 − p) × MRR over the predicted renewals. */
  readonly expectedRenewingMrr: number;
  /** Σ p × MRR over the predicted renewals (predictedMrr − expectedRenewingMrr). */
  readonly expectedChurningMrr: number;
  readonly beyondHorizonRenewals: number;
  readonly unpredictedRenewals: number;
  readonly unpredictedMrr: number;
  /** The predicted renewals, most at risk first (then bigger MRR first). */
  readonly atRisk: readonly PredictedRenewal[];
  readonly unpredicted: readonly UnpredictedRenewal[];
}

/** The day `days` after `day` (YYYY-MM-DD, UTC). */
export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The contributions that raise the churn probability most, biggest first. */
export function riskDrivers(contributions: readonly ChurnRiskContribution[]): ChurnRiskContribution[] {
  return contributions
    .filter((c) => c.contribution > 0)
    .sort((a, b) => b.contribution - a.contribution || (a.feature < b.feature ? -1 : 1))
    .slice(0, TOP_CONTRIBUTIONS);
}

/**
 * The expected renewing MRR of the renewals in [from, from + days): each predicted renewal counts
 * (1 − p) × MRR, p being its churn probability within the model's horizon. A renewal after the
 * horizon still counts 1 − p (flagged beyondHorizon): the model says nothing past its horizon,
 * and a subscription churns at a renewal, so the probability of churning by the horizon is the
 * nearest figure there is. Renewals without a prediction are counted apart with their MRR, never
 * guessed. Renewals outside the period and accounts without MRR are left out. Pure.
 */
export function forecastRenewals(rows: readonly RenewalInput[], from: string, days: number): RenewalForecast {
  const until = addDays(from, days);
  const atRisk: PredictedRenewal[] = [];
  const unpredicted: UnpredictedRenewal[] = [];
  let predictedMicros = 0;
  let expectedMicros = 0;
  let unpredictedMicros = 0;
  for (const r of rows) {
    if (r.renewalDate < from || r.renewalDate >= until || r.mrrMicros <= 0) continue;
    const risk = r.churnRisk;
    if (risk === null) {
      unpredicted.push({ accountId: r.accountId, renewalDate: r.renewalDate, mrr: fromMicros(r.mrrMicros) });
      unpredictedMicros += r.mrrMicros;
      continue;
    }
    const renew = 1 - risk.probability;
    predictedMicros += r.mrrMicros;
    expectedMicros += renew * r.mrrMicros;
    const horizonEnd = Date.parse(r.predictedAt) + risk.horizonDays * DAY_MS;
    atRisk.push({
      accountId: r.accountId,
      renewalDate: r.renewalDate,
      mrr: fromMicros(r.mrrMicros),
      churnProbability: risk.probability,
      renewProbability: renew,
      expectedMrr: fromMicros(renew * r.mrrMicros),
      horizonDays: risk.horizonDays,
      modelId: risk.modelId,
      beyondHorizon: Date.parse(`${r.renewalDate}T00:00:00.000Z`) > horizonEnd,
      topContributions: riskDrivers(risk.contributions),
    });
  }
  atRisk.sort(
    (a, b) =>
      b.churnProbability - a.churnProbability ||
      b.mrr - a.mrr ||
      (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0),
  );
  unpredicted.sort((a, b) => b.mrr - a.mrr || (a.accountId < b.accountId ? -1 : 1));
  return {
    from,
    days,
    until,
    renewals: atRisk.length + unpredicted.length,
    renewingMrr: fromMicros(predictedMicros + unpredictedMicros),
    predictedRenewals: atRisk.length,
    predictedMrr: fromMicros(predictedMicros),
    expectedRenewingMrr: fromMicros(expectedMicros),
    expectedChurningMrr: fromMicros(predictedMicros - expectedMicros),
    beyondHorizonRenewals: atRisk.filter((r) => r.beyondHorizon).length,
    unpredictedRenewals: unpredicted.length,
    unpredictedMrr: fromMicros(unpredictedMicros),
    atRisk,
    unpredicted,
  };
}

/** A renewal of a past forecast, with the MRR the account had at the end of the period (micros). */
export interface RenewalOutcomeInput extends RenewalInput {
  readonly endMrrMicros: number;
}

/** What became of one renewal of a past forecast. */
export interface RenewalOutcomeRow {
  readonly accountId: string;
  readonly renewalDate: string;
  readonly mrr: number;
  /** null: the renewal had no prediction. */
  readonly churnProbability: number | null;
  readonly expectedMrr: number | null;
  /** renewed: still paying at the end of the period; churned: no MRR left then. */
  readonly outcome: 'renewed' | 'churned';
  readonly endMrr: number;
}

/** Forecast against outcome for one group of renewals (with or without a prediction). */
export interface OutcomeTotals {
  readonly renewals: number;
  readonly mrr: number;
  /** The forecast's expected renewing MRR; null for the renewals without a prediction. */
  readonly expectedRenewingMrr: number | null;
  readonly renewed: number;
  /** The forecast-time MRR of the renewals that renewed, and of those that churned. */
  readonly renewedMrr: number;
  readonly churned: number;
  readonly churnedMrr: number;
  /** What the renewed accounts paid at the end of the period (expansion and contraction included). */
  readonly renewedEndMrr: number;
}

/** A recorded forecast against what happened by the end of its period. */
export interface RenewalOutcome {
  readonly from: string;
  readonly days: number;
  readonly until: string;
  readonly forecastMadeAt: string;
  readonly predicted: OutcomeTotals;
  readonly unpredicted: OutcomeTotals;
  /** predicted.renewedMrr − predicted.expectedRenewingMrr: positive when more renewed than forecast. */
  readonly error: number;
  readonly accounts: readonly RenewalOutcomeRow[];
}

/**
 * A past period's forecast (made on its first day) against what happened: each of its renewals
 * renewed when the account still had MRR at the end of the period, churned when it had none.
 * Pure.
 */
export function compareOutcome(
  rows: readonly RenewalOutcomeInput[],
  from: string,
  days: number,
  forecastMadeAt: string,
): RenewalOutcome {
  const forecast = forecastRenewals(rows, from, days);
  const inPeriod = new Set([...forecast.atRisk, ...forecast.unpredicted].map((r) => r.accountId));
  const accounts: RenewalOutcomeRow[] = rows
    .filter((r) => inPeriod.has(r.accountId))
    .map((r) => ({
      accountId: r.accountId,
      renewalDate: r.renewalDate,
      mrr: fromMicros(r.mrrMicros),
      churnProbability: r.churnRisk?.probability ?? null,
      expectedMrr: r.churnRisk ? fromMicros((1 - r.churnRisk.probability) * r.mrrMicros) : null,
      outcome: r.endMrrMicros > 0 ? ('renewed' as const) : ('churned' as const),
      endMrr: fromMicros(r.endMrrMicros),
    }))
    .sort((a, b) =>
      a.renewalDate < b.renewalDate
        ? -1
        : a.renewalDate > b.renewalDate
          ? 1
          : a.accountId < b.accountId
            ? -1
            : 1,
    );
  const predicted = totals(
    accounts.filter((a) => a.churnProbability !== null),
    forecast.expectedRenewingMrr,
  );
  const unpredicted = totals(
    accounts.filter((a) => a.churnProbability === null),
    null,
  );
  return {
    from,
    days,
    until: forecast.until,
    forecastMadeAt,
    predicted,
    unpredicted,
    error: predicted.renewedMrr - forecast.expectedRenewingMrr,
    accounts,
  };
}

function totals(rows: readonly RenewalOutcomeRow[], expected: number | null): OutcomeTotals {
  const renewed = rows.filter((r) => r.outcome === 'renewed');
  const churned = rows.filter((r) => r.outcome === 'churned');
  const sum = (xs: readonly RenewalOutcomeRow[], f: (r: RenewalOutcomeRow) => number) =>
    xs.reduce((s, r) => s + f(r), 0);
  return {
    renewals: rows.length,
    mrr: sum(rows, (r) => r.mrr),
    expectedRenewingMrr: expected,
    renewed: renewed.length,
    renewedMrr: sum(renewed, (r) => r.mrr),
    churned: churned.length,
    churnedMrr: sum(churned, (r) => r.mrr),
    renewedEndMrr: sum(renewed, (r) => r.endMrr),
  };
}
