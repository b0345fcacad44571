import { Module } from '@nestjs/common';
import { TriggerDecisionRepository } from '../decisions/trigger-decision.repository';
import { AccountProfileRepository } from '../engine/account-profile.repository';
import { WorkspaceSettingsRepository } from '../engine/workspace-settings.repository';
import { RunRepository } from '../runs/run.repository';
import { TaskRepository } from '../tasks/task.repository';

/**
 * The repositories of the runs, tasks, account profiles, trigger decisions and workspace
 * settings, for the engine and the APIs alike (the playbooks' own come from PlaybooksStoreModule).
 */
@Module({
  providers: [
    RunRepository,
    TaskRepository,
    AccountProfileRepository,
    TriggerDecisionRepository,
    WorkspaceSettingsRepository,
  ],
  exports: [
    RunRepository,
    TaskRepository,
    AccountProfileRepository,
    TriggerDecisionRepository,
    WorkspaceSettingsRepository,
  ],
})
export class RepositoriesModule {}
