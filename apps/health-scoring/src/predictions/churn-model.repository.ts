import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ChurnRisk } from '@tsuzuku/contracts';
import { defineStatements, numericOrNull, recordset, recordsetParam } from '@tsuzuku/platform-database';
import type { LogisticModel } from './domain/logistic-regression';

/** One training of a workspace's churn model: the model, or the reason there is none. */
export interface StoredChurnModel {
  readonly id: string;
  readonly workspaceId: string;
  readonly trainedAt: string;
  readonly cutoff: string;
  readonly horizonDays: number;
  readonly trigger: 'schedule' | 'request';
  readonly model: LogisticModel | null;
  readonly reason: string | null;
  readonly examples: number;
  readonly churns: number;
  readonly churnedAccounts: number;
  readonly crossValidatedAuc: number | null;
  readonly holdoutAuc: number | null;
  readonly holdoutFrom: string | null;
}

/** An account's prediction to keep. */
export interface AccountChurnRisk {
  readonly accountId: string;
  readonly risk: ChurnRisk;
}

const MODEL_COLUMNS = `id, workspace_id, trained_at, cutoff::text AS cutoff, horizon_days, trigger, model, reason,
  examples, churns, churned_accounts, cross_validated_auc, holdout_auc, holdout_from::text AS holdout_from`;

const SQL = defineStatements('health-scoring.churn-models', {
  insert: `
    INSERT INTO health_scoring.churn_models (id, workspace_id, trained_at, cutoff, horizon_days, trigger, model, reason,
      examples, churns, churned_accounts, cross_validated_auc, holdout_auc, holdout_from)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
  latest: `
    SELECT ${MODEL_COLUMNS} FROM health_scoring.churn_models
    WHERE workspace_id = $1 ORDER BY trained_at DESC, id DESC LIMIT 1`,
  // Workspaces with accounts whose latest training is older than $1 (or that never had one).
  due: `
    SELECT w.workspace_id FROM (SELECT DISTINCT workspace_id FROM health_scoring.accounts) w
    WHERE NOT EXISTS (SELECT 1 FROM health_scoring.churn_models c
      WHERE c.workspace_id = w.workspace_id AND c.trained_at > $1)
    ORDER BY w.workspace_id`,
  accountIds: 'SELECT account_id FROM health_scoring.accounts WHERE workspace_id = $1 ORDER BY account_id',
  subscribedAccounts: `
    SELECT account_id FROM health_scoring.accounts WHERE workspace_id = $1 AND churned_at IS NULL ORDER BY account_id`,
  setRisks: `
    UPDATE health_scoring.accounts a SET churn_probability = r.probability, churn_risk = r.risk
    FROM ${recordset({ account_id: 'text', probability: 'numeric', risk: 'jsonb' }, { param: 2 })}
    WHERE a.workspace_id = $1 AND a.account_id = r.account_id`,
  clearOtherRisks: `
    UPDATE health_scoring.accounts SET churn_probability = NULL, churn_risk = NULL
    WHERE workspace_id = $1 AND churn_risk IS NOT NULL AND NOT (account_id = ANY($2::text[]))`,
});

function toStored(r: Record<string, unknown>): StoredChurnModel {
  return {
    id: r['id'] as string,
    workspaceId: r['workspace_id'] as string,
    trainedAt: (r['trained_at'] as Date).toISOString(),
    cutoff: r['cutoff'] as string,
    horizonDays: Number(r['horizon_days']),
    trigger: r['trigger'] as StoredChurnModel['trigger'],
    model: (r['model'] as LogisticModel | null) ?? null,
    reason: (r['reason'] as string | null) ?? null,
    examples: Number(r['examples']),
    churns: Number(r['churns']),
    churnedAccounts: Number(r['churned_accounts']),
    crossValidatedAuc: numericOrNull(r['cross_validated_auc']),
    holdoutAuc: numericOrNull(r['holdout_auc']),
    holdoutFrom: (r['holdout_from'] as string | null) ?? null,
  };
}

/** The trainings of the churn models, and each account's latest prediction. */
@Injectable()
export class ChurnModelRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(m: EntityManager, model: StoredChurnModel): Promise<void> {
    await m.query(SQL.insert, [
      model.id,
      model.workspaceId,
      model.trainedAt,
      model.cutoff,
      model.horizonDays,
      model.trigger,
      model.model === null ? null : JSON.stringify(model.model),
      model.reason,
      model.examples,
      model.churns,
      model.churnedAccounts,
      model.crossValidatedAuc,
      model.holdoutAuc,
      model.holdoutFrom,
    ]);
  }

  /** The workspace's latest training, with a model or not; undefined when it never had one. */
  async latest(workspaceId: string): Promise<StoredChurnModel | undefined> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(SQL.latest, [workspaceId]);
    return rows[0] ? toStored(rows[0]) : undefined;
  }

  /** The workspaces with accounts whose latest training is older than `before`, or that never had one. */
  async due(before: Date): Promise<string[]> {
    const rows: { workspace_id: string }[] = await this.dataSource.query(SQL.due, [before.toISOString()]);
    return rows.map((r) => r.workspace_id);
  }

  /** Every account of the workspace, in id order. */
  async accountIds(workspaceId: string): Promise<string[]> {
    const rows: { account_id: string }[] = await this.dataSource.query(SQL.accountIds, [workspaceId]);
    return rows.map((r) => r.account_id);
  }

  /** The accounts of the workspace that have not churned (those a model predicts for). */
  async subscribedAccounts(workspaceId: string): Promise<string[]> {
    const rows: { account_id: string }[] = await this.dataSource.query(SQL.subscribedAccounts, [workspaceId]);
    return rows.map((r) => r.account_id);
  }

  /** Keeps these predictions and removes every other account's (churned, or no model any more). */
  async replaceRisks(
    m: EntityManager,
    workspaceId: string,
    risks: readonly AccountChurnRisk[],
  ): Promise<void> {
    if (risks.length > 0)
      await m.query(SQL.setRisks, [
        workspaceId,
        recordsetParam(
          risks.map((r) => ({ account_id: r.accountId, probability: r.risk.probability, risk: r.risk })),
        ),
      ]);
    await m.query(SQL.clearOtherRisks, [workspaceId, risks.map((r) => r.accountId)]);
  }
}
