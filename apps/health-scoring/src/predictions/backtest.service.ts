import { Injectable } from '@nestjs/common';
import { Clock } from '@tsuzuku/platform-runtime';
import { StoredScorecard } from '../scoring/ports';
import { Bands, Measure } from '../scorecards/domain/scorecard';
import { ScorecardsService } from '../scorecards/scorecards.service';
import {
  BacktestQuestion,
  MetricValues,
  Sample,
  ScoredItem,
  backtestReport,
  backtestSample,
  daysToRead,
  scoreSample,
} from './domain/backtest';
import { fitWeights } from './domain/weights-fit';
import {
  BacktestDto,
  BacktestRequestDto,
  OutcomePeriodDto,
  SampleCountsDto,
  ScorecardBacktestDto,
  SuggestedWeightsDto,
} from './dto/backtest.dto';
import { PredictionsException } from './predictions.exception';
import { PredictionsRepository } from './predictions.repository';

const DEFAULT_HORIZON_DAYS = 90;

/**
 * SuggestedWeightsDto, its draft holding the scorecard's own measures with the new weights: a body
 * POST /v1/scorecards saves as a draft as it is.
 */
export type SuggestedWeights = Omit<SuggestedWeightsDto, 'draft'> & {
  readonly draft: { name: string; measures: readonly Measure[]; bands: Bands; draft: true } | null;
};
/** The L2 penalty of the weights fit: mild, on standardised values. */
const FIT_L2 = 1;
const FIT_FOLDS = 5;

/** Scorecards replayed on the stored past: backtests, and weights fitted on the same sample. */
@Injectable()
export class BacktestService {
  constructor(
    private readonly scorecards: ScorecardsService,
    private readonly predictions: PredictionsRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Backtests a scorecard (and optionally another on the same sample): each sampled account is
   * scored on the metric values it had horizonDays before its outcome (see backtestSample).
   */
  async backtest(workspaceId: string, scorecardId: string, body: BacktestRequestDto): Promise<BacktestDto> {
    const card = await this.scorecards.get(workspaceId, scorecardId);
    const other = body.compareWith ? await this.scorecards.get(workspaceId, body.compareWith) : undefined;
    const q = this.question(body);
    const { accounts, sample } = await this.sample(workspaceId, q);
    const cards = other ? [card, other] : [card];
    const values = await this.predictions.valuesAt(
      workspaceId,
      cards.flatMap((c) => daysToRead(sample.items, c.measures)),
    );
    const valuesOn = (accountId: string, day: string): MetricValues | undefined =>
      values.get(`${accountId}\u0000${day}`);
    const report = (c: StoredScorecard) => reportOf(c, scoreSample(sample.items, c, valuesOn), q);
    return {
      ...q,
      sample: countsOf(accounts, sample),
      result: report(card),
      ...(other ? { comparison: report(other) } : {}),
    };
  }

  /**
   * Fits a regularised logistic regression of the outcome on the scorecard's metrics (the values
   * of the backtest's sample) and proposes weights for its measures, with a scorecard body to
   * save and backtest. 422 when the sample lacks accounts with or without the outcome.
   */
  async suggestedWeights(
    workspaceId: string,
    scorecardId: string,
    body: OutcomePeriodDto,
  ): Promise<SuggestedWeights> {
    const card = await this.scorecards.get(workspaceId, scorecardId);
    const q = this.question(body);
    const { accounts, sample } = await this.sample(workspaceId, q);
    const values = await this.predictions.valuesAt(workspaceId, sample.items);
    const fit = fitWeights(
      sample.items,
      card.measures,
      (accountId, day) => values.get(`${accountId}\u0000${day}`),
      q.outcome,
      { l2: FIT_L2, folds: FIT_FOLDS },
    );
    if (!fit) throw PredictionsException.nothingToFit(q.outcome, q.from, q.to);
    const weightOf = new Map(fit.weights.map((w) => [w.measureId, w.weight]));
    const kept = card.measures
      .filter((m) => weightOf.has(m.id))
      .map((m) => ({ ...m, weight: weightOf.get(m.id)! }));
    return {
      scorecardId: card.id,
      ...q,
      sample: countsOf(accounts, sample),
      examples: fit.examples,
      positives: fit.positives,
      l2: FIT_L2,
      crossValidation: { ...fit.crossValidation, foldAucs: [...fit.crossValidation.foldAucs] },
      weights: [...fit.weights],
      notPredictive: [...fit.notPredictive],
      draft:
        kept.length === 0
          ? null
          : {
              name: `${card.name} (weights fitted on ${q.outcome}, ${q.from} to ${q.to})`.slice(0, 200),
              measures: kept,
              bands: { ...card.bands },
              draft: true,
            },
    };
  }

  private question(body: OutcomePeriodDto): BacktestQuestion {
    return {
      outcome: body.outcome,
      from: body.from,
      to: body.to,
      horizonDays: body.horizonDays ?? DEFAULT_HORIZON_DAYS,
    };
  }

  private async sample(workspaceId: string, q: BacktestQuestion) {
    const today = this.clock.now().toISOString().slice(0, 10);
    const accounts = await this.predictions.outcomeHistories(workspaceId, q.to, today);
    return { accounts: accounts.length, sample: backtestSample(accounts, q) };
  }
}

function countsOf(accounts: number, sample: Sample): SampleCountsDto {
  return {
    accounts,
    withOutcome: sample.withOutcome,
    withoutOutcome: sample.withoutOutcome,
    notCustomers: sample.notCustomers,
    sampled: sample.items.length,
    days: new Set(sample.items.map((i) => i.day)).size,
  };
}

function reportOf(
  card: StoredScorecard,
  items: readonly ScoredItem[],
  q: BacktestQuestion,
): ScorecardBacktestDto {
  const report = backtestReport(items, q.outcome);
  return {
    scorecardId: card.id,
    scorecardName: card.name,
    auc: report.auc,
    byBand: [...report.byBand],
    red: report.red,
    calibration: report.calibration.map((r) => ({
      decile: r.decile,
      count: r.count,
      minScore: r.minRisk,
      maxScore: r.maxRisk,
      meanScore: r.meanRisk,
      outcomeRate: r.outcomeRate,
    })),
    counts: report.counts,
  };
}
