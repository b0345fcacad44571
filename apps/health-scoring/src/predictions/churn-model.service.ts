import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { Rescorer } from '../scoring/ports';
import { AccountChurnRisk, ChurnModelRepository, StoredChurnModel } from './churn-model.repository';
import {
  CHURN_HORIZON_DAYS,
  churnModelDays,
  predictChurn,
  trainChurnModel,
  trainingPlan,
} from './domain/churn-model';
import { CHURN_MODEL_LOG_SCALED, CHURN_MODEL_METRICS, churnRiskOf } from './domain/churn-risk';
import { addDays, snapshotOn } from './domain/training-set';
import { PredictionsRepository } from './predictions.repository';

/** How far back a training reads the score history: 24 months. */
export const CHURN_HISTORY_DAYS = 730;

/**
 * Trains each workspace's churn model on its own history (trainChurnModel: only what was known by
 * the cutoff, today), keeps every training, and gives each account that has not churned its
 * probability of churning within the horizon with the contributions behind it. The accounts whose
 * prediction changed are then announced (account.updated on cs.accounts.v1, by a rescoring of the
 * workspace that publishes only what changed), so alerting and playbooks can act on it.
 * Trained when a workspace's latest training is CHURN_MODEL_MAX_AGE_MS old (a leased job, once
 * per cluster) and on request.
 */
@Injectable()
export class ChurnModelService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ChurnModelService.name);
  /** Trainings running in this process, per workspace: a second request waits for the first. */
  private readonly running = new Map<string, Promise<StoredChurnModel>>();

  constructor(
    private readonly predictions: PredictionsRepository,
    private readonly models: ChurnModelRepository,
    private readonly rescorer: Rescorer,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: HealthScoringConfig,
    private readonly jobs: BackgroundJobs,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.jobs.schedule({
      name: 'churn-model-training',
      everyMs: this.config.CHURN_MODEL_CHECK_MS,
      oncePerCluster: true,
      // First CHURN_MODEL_CHECK_MS after start, not at it: a restart does not compete with the
      // consumers catching up, and a workspace trained within the age is skipped anyway.
      run: (signal) => this.trainDue(signal).then(() => undefined),
    });
  }

  /** Trains the models of the workspaces whose latest training is due; answers how many. */
  async trainDue(signal?: AbortSignal): Promise<number> {
    const due = await this.models.due(
      new Date(this.clock.now().getTime() - this.config.CHURN_MODEL_MAX_AGE_MS),
    );
    let trained = 0;
    for (const workspaceId of due) {
      if (signal?.aborted) break;
      await this.train(workspaceId, 'schedule');
      trained += 1;
    }
    return trained;
  }

  /** Trains the workspace's model now (or joins the training already running here). */
  train(workspaceId: string, trigger: StoredChurnModel['trigger']): Promise<StoredChurnModel> {
    const running = this.running.get(workspaceId);
    if (running) return running;
    const training = this.trainNow(workspaceId, trigger).finally(() => this.running.delete(workspaceId));
    this.running.set(workspaceId, training);
    return training;
  }

  /** The workspace's latest training; undefined when it was never trained. */
  latest(workspaceId: string): Promise<StoredChurnModel | undefined> {
    return this.models.latest(workspaceId);
  }

  private async trainNow(
    workspaceId: string,
    trigger: StoredChurnModel['trigger'],
  ): Promise<StoredChurnModel> {
    const started = performance.now();
    const now = this.clock.now();
    const today = now.toISOString().slice(0, 10);
    const from = addDays(today, -CHURN_HISTORY_DAYS);
    const period = { from, to: today };
    // Observation days as dense as the example budget allows; a large workspace is trained on
    // a fixed sample of its accounts (trainingPlan).
    const everyone = await this.models.accountIds(workspaceId);
    const plan = trainingPlan(everyone, from, today);
    const timelines = await this.predictions.timelinesOnDays(
      workspaceId,
      churnModelDays(from, today, plan.everyDays),
      CHURN_MODEL_METRICS,
      period,
      today,
      plan.accountIds.length === everyone.length ? null : plan.accountIds,
    );
    const result = trainChurnModel({
      timelines,
      measures: CHURN_MODEL_METRICS,
      logScaled: CHURN_MODEL_LOG_SCALED,
      cutoff: today,
      from,
      everyDays: plan.everyDays,
    });
    const stored: StoredChurnModel = {
      id: randomUUID(),
      workspaceId,
      trainedAt: now.toISOString(),
      cutoff: result.cutoff,
      horizonDays: CHURN_HORIZON_DAYS,
      trigger,
      model: result.kind === 'model' ? result.model : null,
      reason: result.kind === 'none' ? result.reason : null,
      examples: result.examples,
      churns: result.churns,
      churnedAccounts: result.churnedAccounts,
      crossValidatedAuc: result.kind === 'model' ? result.crossValidatedAuc : null,
      holdoutAuc: result.kind === 'model' ? result.holdoutAuc : null,
      holdoutFrom: result.kind === 'model' ? result.holdoutFrom : null,
    };
    const risks: AccountChurnRisk[] = [];
    const stamp = {
      modelId: stored.id,
      trainedAt: stored.trainedAt,
      cutoff: stored.cutoff,
      horizonDays: stored.horizonDays,
    };
    if (stored.model) {
      // Every account that has not churned is predicted, sampled or not: from its values today
      // and 30 days ago.
      const current = await this.predictions.timelinesOnDays(
        workspaceId,
        [addDays(today, -30), today],
        CHURN_MODEL_METRICS,
        period,
        today,
        await this.models.subscribedAccounts(workspaceId),
      );
      for (const timeline of current) {
        // An account with no values yet has nothing to predict from: it gets no probability.
        if (snapshotOn(timeline, today) === undefined) continue;
        // It is subscribed now: a churn in the period that it came back from is behind it.
        const prediction = predictChurn(stored.model, { ...timeline, churnedOn: null }, today);
        if (prediction) risks.push({ accountId: timeline.accountId, risk: churnRiskOf(prediction, stamp) });
      }
    }
    await this.dataSource.transaction(async (m) => {
      await this.models.insert(m, stored);
      await this.models.replaceRisks(m, workspaceId, risks);
    });
    await this.rescorer.rescoreWorkspace(workspaceId, 'churn model trained', { onlyChanged: true });
    this.logger.log(
      `workspace ${workspaceId}: ` +
        (stored.model
          ? `churn model trained on ${stored.examples} examples (holdout AUC ${stored.holdoutAuc?.toFixed(3) ?? 'n/a'}), ${risks.length} account(s) predicted`
          : `no churn model (${stored.reason})`) +
        ` in ${Math.round(performance.now() - started)} ms`,
    );
    return stored;
  }
}
