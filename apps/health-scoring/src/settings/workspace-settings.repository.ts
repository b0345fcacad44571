import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements } from '@tsuzuku/platform-database';
import { WorkspaceSettings } from './domain/workspace-settings';

/** A workspace's settings and when they were last set (null: never, they are the defaults). */
export interface WorkspaceSettingsView extends WorkspaceSettings {
  readonly updatedAt: string | null;
}

interface SettingsRow {
  onboarding_milestones: string[];
  key_features: string[];
  renewal_window_days: number;
  touch_high_mrr: string;
  touch_low_mrr: string;
  updated_at: Date;
}

const COLUMNS =
  'onboarding_milestones, key_features, renewal_window_days, touch_high_mrr, touch_low_mrr, updated_at';

const SQL = defineStatements('health-scoring.workspace-settings', {
  find: `SELECT ${COLUMNS} FROM health_scoring.workspace_settings WHERE workspace_id = $1`,
  save: `
    INSERT INTO health_scoring.workspace_settings
      (workspace_id, onboarding_milestones, key_features, renewal_window_days, touch_high_mrr, touch_low_mrr)
    VALUES ($1, $2::text[], $3::text[], $4, $5, $6)
    ON CONFLICT (workspace_id) DO UPDATE SET
      onboarding_milestones = EXCLUDED.onboarding_milestones,
      key_features = EXCLUDED.key_features,
      renewal_window_days = EXCLUDED.renewal_window_days,
      touch_high_mrr = EXCLUDED.touch_high_mrr,
      touch_low_mrr = EXCLUDED.touch_low_mrr,
      updated_at = now()
    RETURNING ${COLUMNS}`,
});

/** Workspace settings in health_scoring.workspace_settings. */
@Injectable()
export class WorkspaceSettingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The workspace's own settings; null when it never set any. */
  async find(workspaceId: string): Promise<WorkspaceSettingsView | null> {
    const [row] = (await this.dataSource.query(SQL.find, [workspaceId])) as SettingsRow[];
    return row ? viewOf(row) : null;
  }

  /** Inserts or replaces the workspace's settings. */
  async save(workspaceId: string, settings: WorkspaceSettings): Promise<WorkspaceSettingsView> {
    const [row] = (await this.dataSource.query(SQL.save, [
      workspaceId,
      [...settings.onboardingMilestones],
      [...settings.keyFeatures],
      settings.renewalWindowDays,
      settings.touchHighMrr,
      settings.touchLowMrr,
    ])) as SettingsRow[];
    return viewOf(row!);
  }
}

function viewOf(row: SettingsRow): WorkspaceSettingsView {
  return {
    onboardingMilestones: row.onboarding_milestones,
    keyFeatures: row.key_features,
    renewalWindowDays: Number(row.renewal_window_days),
    // numeric columns come back as strings
    touchHighMrr: Number(row.touch_high_mrr),
    touchLowMrr: Number(row.touch_low_mrr),
    updatedAt: row.updated_at.toISOString(),
  };
}
