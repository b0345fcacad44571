import { Injectable } from '@nestjs/common';
import { WorkspaceSettings } from '../settings/domain/workspace-settings';
import { WorkspaceSettingsService } from '../settings/workspace-settings.service';
import { ScorecardDirectory, StoredScorecard } from './ports';

/** The per-workspace inputs of a scoring run (settings, scorecards), read once per run for each workspace. */
@Injectable()
export class WorkspaceInputs {
  constructor(
    private readonly workspaceSettings: WorkspaceSettingsService,
    private readonly scorecards: ScorecardDirectory,
  ) {}

  async settingsOf(workspaces: Iterable<string>): Promise<Map<string, WorkspaceSettings>> {
    const settings = new Map<string, WorkspaceSettings>();
    for (const w of new Set(workspaces)) settings.set(w, await this.workspaceSettings.settingsOf(w));
    return settings;
  }

  async scorecardsOf(workspaces: Iterable<string>): Promise<Map<string, readonly StoredScorecard[]>> {
    const scorecards = new Map<string, readonly StoredScorecard[]>();
    for (const w of new Set(workspaces)) scorecards.set(w, await this.scorecards.scorecardsOf(w));
    return scorecards;
  }
}
