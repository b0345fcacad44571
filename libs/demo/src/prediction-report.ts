import { DemoApiError, DemoEndpoints, allPages, apiCall } from './demo-flow';

/** How one scorecard or model told churned accounts from the others. */
export interface PredictionRow {
  readonly name: string;
  readonly auc: number | null;
  /** What the AUC was measured on. */
  readonly how: string;
  /** Churn rate per band (red, yellow, green) where the row has bands. */
  readonly byBand: readonly { band: string; count: number; rate: number | null }[];
}

export interface RenewalAtRisk {
  readonly accountId: string;
  readonly renewalDate: string;
  readonly mrr: number;
  readonly churnProbability: number;
  readonly topContributions: readonly { label: string; contribution: number }[];
}

export interface PredictionReport {
  readonly period: { readonly from: string; readonly to: string; readonly horizonDays: number };
  readonly sample: { readonly withOutcome: number; readonly sampled: number } | null;
  readonly rows: readonly PredictionRow[];
  /** Why a row is missing (too little history, ...). */
  readonly notes: readonly string[];
  readonly forecast: {
    readonly days: number;
    readonly renewals: number;
    readonly renewingMrr: number;
    readonly expectedRenewingMrr: number;
    readonly unpredictedRenewals: number;
    readonly atRisk: readonly RenewalAtRisk[];
  };
}

interface BacktestAnswer {
  readonly sample: { readonly withOutcome: number; readonly sampled: number };
  readonly result: {
    readonly scorecardName: string;
    readonly auc: number | null;
    readonly byBand: readonly { group: string; count: number; rate: number | null }[];
  };
}

interface ChurnModelAnswer {
  readonly model: {
    readonly holdoutAuc: number | null;
    readonly crossValidatedAuc: number | null;
    readonly trainedAt: string;
    readonly cutoff: string;
  } | null;
  readonly reason?: string | null;
}

const DAY_MS = 86_400_000;
const day = (at: Date) => at.toISOString().slice(0, 10);

/**
 * What the demo shows of issue 18: the default DEAR scorecard backtested on the churns of the
 * history (its score `horizonDays` before each churn against the accounts that stayed), beside
 * the weights a regularised logistic regression fits on the same sample (cross-validated AUC) and
 * the workspace's churn model (trained on request; AUC on a time-based holdout); then the
 * renewals of the next 90 days the model puts at risk.
 */
export async function collectPredictionReport(
  endpoints: DemoEndpoints,
  token: string,
  { now = new Date(), months, horizonDays = 90 }: { now?: Date; months: number; horizonDays?: number },
): Promise<PredictionReport> {
  // Outcomes from a horizon after the history starts (earlier ones have no score before them) to today.
  const historyStart = new Date(now.getTime() - months * 30 * DAY_MS);
  const period = {
    from: day(new Date(historyStart.getTime() + horizonDays * DAY_MS)),
    to: day(now),
    horizonDays,
  };
  const scorecards = await allPages<{ id: string; isDefault: boolean }>(
    `${endpoints.healthScoring}/v1/scorecards`,
    token,
  );
  const published = scorecards.find((s) => s.isDefault);
  if (!published) throw new DemoApiError('the workspace has no default scorecard');
  const body = { ...period, outcome: 'churn' };
  const rows: PredictionRow[] = [];
  const notes: string[] = [];
  const backtest = await apiCall<BacktestAnswer>(
    `${endpoints.healthScoring}/v1/scorecards/${published.id}/backtest`,
    token,
    { method: 'POST', body },
  );
  rows.push({
    name: `${backtest.result.scorecardName} (the default DEAR scorecard)`,
    auc: backtest.result.auc,
    how: `score ${horizonDays} days before each churn`,
    byBand: backtest.result.byBand.map((b) => ({ band: b.group, count: b.count, rate: b.rate })),
  });
  const suggested = await apiCall<{
    crossValidation: { meanAuc: number | null };
    draft: Record<string, unknown> | null;
  }>(`${endpoints.healthScoring}/v1/scorecards/${published.id}/suggested-weights`, token, {
    method: 'POST',
    body,
  }).catch((error: unknown) => {
    notes.push(`suggested weights: ${(error as Error).message}`);
    return null;
  });
  if (suggested)
    rows.push({
      name: 'weights fitted on the same sample (logistic regression)',
      auc: suggested.crossValidation.meanAuc,
      how: 'mean AUC of 5-fold cross-validation',
      byBand: [],
    });
  if (suggested?.draft) {
    // The fitted weights saved as a draft scorecard (it scores nothing until published) and
    // backtested beside the published one, on the same sample: its bands' churn rates.
    const draft = await apiCall<{ id: string; name: string }>(
      `${endpoints.healthScoring}/v1/scorecards`,
      token,
      {
        method: 'POST',
        body: suggested.draft,
      },
    );
    const side = await apiCall<BacktestAnswer & { comparison: BacktestAnswer['result'] }>(
      `${endpoints.healthScoring}/v1/scorecards/${published.id}/backtest`,
      token,
      { method: 'POST', body: { ...body, compareWith: draft.id } },
    );
    rows.push({
      name: 'the fitted weights as a draft scorecard',
      auc: side.comparison.auc,
      how: `score ${horizonDays} days before (fitted on this sample)`,
      byBand: side.comparison.byBand.map((b) => ({ band: b.group, count: b.count, rate: b.rate })),
    });
    notes.push(
      `the fitted weights are saved as the draft scorecard "${draft.name}" (${draft.id}), to publish or delete`,
    );
  }
  const model = await trainedChurnModel(endpoints, token).catch((error: unknown) => {
    notes.push(
      error instanceof DemoApiError && / 404: /.test(error.message)
        ? 'churn model: not served by this health-scoring yet'
        : `churn model: ${(error as Error).message}`,
    );
    return null;
  });
  if (model?.model)
    rows.push({
      name: 'the churn model (measures, trends, contract and support)',
      auc: model.model.holdoutAuc,
      how: `time-based holdout (trained before ${model.model.cutoff})`,
      byBand: [],
    });
  else if (model) notes.push(`churn model: none (${model.reason ?? 'no reason given'})`);

  // The predictions reach reporting on cs.accounts.v1 after the training answered: wait until
  // they are there (some renewal predicted, and the count no longer moving) before the forecast.
  const forecast = await settledForecast(endpoints, token, model?.model ? FORECAST_WAIT_MS : 0);
  return {
    period,
    sample: backtest.sample,
    rows,
    notes,
    forecast: {
      days: 90,
      renewals: forecast.renewals,
      renewingMrr: forecast.renewingMrr,
      expectedRenewingMrr: forecast.expectedRenewingMrr,
      unpredictedRenewals: forecast.unpredictedRenewals,
      atRisk: forecast.atRisk,
    },
  };
}

interface ForecastAnswer {
  readonly renewals: number;
  readonly renewingMrr: number;
  readonly expectedRenewingMrr: number;
  readonly unpredictedRenewals: number;
  readonly atRisk: RenewalAtRisk[];
}

/** How long the forecast may take to show the predictions of a training that gave a model. */
const FORECAST_WAIT_MS = 30_000;

/**
 * The renewal forecast of the next 90 days, once it shows predictions and two readings in a row
 * agree on how many renewals are predicted; at once when `waitMs` is 0 (no model to wait for).
 */
async function settledForecast(
  endpoints: DemoEndpoints,
  token: string,
  waitMs: number,
): Promise<ForecastAnswer> {
  const read = () =>
    apiCall<ForecastAnswer>(`${endpoints.reporting}/v1/reports/renewal-forecast?days=90&limit=10`, token);
  const deadline = Date.now() + waitMs;
  let last = await read();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await read();
    const predicted = next.renewals - next.unpredictedRenewals;
    if (predicted > 0 && predicted === last.renewals - last.unpredictedRenewals) return next;
    last = next;
  }
  return last;
}

/** Trains the workspace's churn model now and answers it (or why there is none). */
async function trainedChurnModel(endpoints: DemoEndpoints, token: string): Promise<ChurnModelAnswer> {
  await apiCall(`${endpoints.healthScoring}/v1/churn-model/train`, token, { method: 'POST', body: {} });
  return apiCall<ChurnModelAnswer>(`${endpoints.healthScoring}/v1/churn-model`, token);
}
