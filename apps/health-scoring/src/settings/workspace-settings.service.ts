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
import { SettingsException } from './settings.exception';
import { WorkspaceSettingsRepository, WorkspaceSettingsView } from './workspace-settings.repository';

export type { WorkspaceSettingsView } from './workspace-settings.repository';

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
    private readonly repository: WorkspaceSettingsRepository,
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
      throw new SettingsException('invalid_settings', 'the settings are invalid', problems);
    try {
      return await this.repository.save(workspaceId, settings);
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
    return (await this.repository.find(workspaceId)) ?? { ...DEFAULT_WORKSPACE_SETTINGS, updatedAt: null };
  }
}
