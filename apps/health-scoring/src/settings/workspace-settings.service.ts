import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WorkspaceCache } from '@tsuzuku/platform-runtime';
import { OutboxRelay } from '@tsuzuku/platform-kafka';
import {
  WORKSPACE_CHANGED_CHANNEL,
  changedWorkspace,
  notifyWorkspaceChanged,
} from '@tsuzuku/platform-database';
import { HealthScoringConfig } from '../config/health-scoring.config';
import {
  DEFAULT_WORKSPACE_SETTINGS,
  WorkspaceSettings,
  validateWorkspaceSettings,
} from './domain/workspace-settings';
import { SettingsException, SettingsExceptionCode } from './settings.exception';

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

/** Workspace settings in health_scoring.workspace_settings, cached per workspace. */
const CACHE_NAME = 'health_scoring.settings';

@Injectable()
export class WorkspaceSettingsService {
  /**
   * This replica's changes are seen here at once; another's when its notification arrives, and
   * within WORKSPACE_CACHE_TTL_MS should the notification be lost.
   */
  private readonly logger = new Logger('WorkspaceSettingsService');
  private readonly cache: WorkspaceCache<WorkspaceSettingsView>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: HealthScoringConfig,
    relay: OutboxRelay,
  ) {
    this.cache = new WorkspaceCache(config.WORKSPACE_CACHE_TTL_MS);
    relay.onNotification(WORKSPACE_CHANGED_CHANNEL, (payload) => {
      const workspaceId = changedWorkspace(CACHE_NAME, payload);
      if (workspaceId !== undefined) this.cache.forget(workspaceId);
    });
  }

  /** The settings the scoring uses for a workspace: its own, or the defaults. */
  async settingsOf(workspaceId: string): Promise<WorkspaceSettings> {
    const { updatedAt: _updatedAt, ...settings } = await this.view(workspaceId);
    return settings;
  }

  /** The settings with when they were set. */
  view(workspaceId: string): Promise<WorkspaceSettingsView> {
    return this.cache.get(workspaceId, (id) => this.load(id));
  }

  /** Replaces a workspace's settings; 400 with every problem and its path when invalid. */
  async replace(workspaceId: string, settings: WorkspaceSettings): Promise<WorkspaceSettingsView> {
    const problems = validateWorkspaceSettings(settings);
    if (problems.length > 0)
      throw new SettingsException(
        SettingsExceptionCode.InvalidSettings,
        'the settings are invalid',
        problems,
      );
    try {
      const [row] = (await this.dataSource.query(
        `INSERT INTO health_scoring.workspace_settings
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
        [
          workspaceId,
          [...settings.onboardingMilestones],
          [...settings.keyFeatures],
          settings.renewalWindowDays,
          settings.touchHighMrr,
          settings.touchLowMrr,
        ],
      )) as SettingsRow[];
      return viewOf(row!);
    } finally {
      await this.invalidate(workspaceId);
    }
  }

  /** Forgets and tells the other replicas to forget the cached settings of a workspace. */
  async invalidate(workspaceId: string): Promise<void> {
    this.cache.forget(workspaceId);
    // The other replicas drop theirs; should this fail, they see the change within the TTL.
    await notifyWorkspaceChanged(this.dataSource, CACHE_NAME, workspaceId).catch((error: unknown) =>
      this.logger.warn(`could not announce the change of ${workspaceId}: ${(error as Error).message}`),
    );
  }

  private async load(workspaceId: string): Promise<WorkspaceSettingsView> {
    const [row] = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM health_scoring.workspace_settings WHERE workspace_id = $1`,
      [workspaceId],
    )) as SettingsRow[];
    return row ? viewOf(row) : { ...DEFAULT_WORKSPACE_SETTINGS, updatedAt: null };
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
