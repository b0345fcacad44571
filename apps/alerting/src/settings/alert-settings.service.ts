import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WorkspaceRulesService } from '../rules/workspace-rules.service';
import { WorkspaceSettings, WorkspaceSettingsRepository } from './workspace-settings.repository';

/** A workspace's alerting settings as applied here; a workspace seen for the first time gets its defaults. */
@Injectable()
export class AlertSettingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settings: WorkspaceSettingsRepository,
    private readonly workspaces: WorkspaceRulesService,
  ) {}

  async get(workspaceId: string): Promise<WorkspaceSettings> {
    return this.dataSource.transaction(async (m) => {
      await this.workspaces.ensure(m, [workspaceId]);
      return (await this.settings.find(m, workspaceId))!;
    });
  }
}
