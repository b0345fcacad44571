import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements } from '@tsuzuku/platform-database';

/**
 * Every table of the read models (the inbox first): what a rebuild empties. The recorded renewal
 * forecasts are not among them: what was forecast on a past day cannot be derived again.
 */
export const READ_MODEL_TABLES = [
  'inbox',
  'subscription_events',
  'attribute_changes',
  'account_attributes',
  'accounts',
  'survey_responses',
  'nps_latest',
  'survey_month_totals',
  'onboarding_month_totals',
  'activity_user_days',
  'activity_users',
  'activity_accounts',
  'activity_totals',
  'band_changes',
  'alerts',
  'playbook_runs',
  'mrr_movements',
  'conversion_errors',
  'account_months',
  'month_totals',
  'workspace_month_totals',
  'account_outlook',
] as const;

const WORKSPACE_TABLES = READ_MODEL_TABLES.filter((t) => t !== 'inbox');

const sql = defineStatements('reporting.read-models', {
  truncate: `TRUNCATE ${READ_MODEL_TABLES.map((t) => `reporting.${t}`).join(', ')}`,
  ...Object.fromEntries(
    WORKSPACE_TABLES.map((t) => [`delete_${t}`, `DELETE FROM reporting.${t} WHERE workspace_id = $1`]),
  ),
  forgetInbox: 'DELETE FROM reporting.inbox WHERE consumer = $1 AND event_id = ANY($2)',
}) as Readonly<Record<string, string>> & { truncate: string; forgetInbox: string };

/** The read models as a whole: what a rebuild empties and replays. */
@Injectable()
export class ReadModelsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Empties every read model and the inbox. */
  async truncateAll(): Promise<void> {
    await this.dataSource.query(sql.truncate);
  }

  /** Empties one workspace's rows of every read model, in one transaction (its inbox rows stay). */
  async deleteWorkspace(workspaceId: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      for (const table of WORKSPACE_TABLES) await m.query(sql[`delete_${table}`]!, [workspaceId]);
    });
  }

  /** Forgets that a consumer processed these events, so that they apply again. */
  async forgetInbox(consumer: string, eventIds: readonly string[]): Promise<void> {
    await this.dataSource.query(sql.forgetInbox, [consumer, eventIds]);
  }
}
