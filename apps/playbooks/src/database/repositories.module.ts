import { Module } from '@nestjs/common';
import { TriggerDecisionRepository } from '../decisions/trigger-decision.repository';
import { AccountProfileRepository } from '../engine/account-profile.repository';
import { RunRepository } from '../runs/run.repository';
import { TaskRepository } from '../tasks/task.repository';

/**
 * The repositories of the runs, tasks, account profiles and trigger decisions, for the engine
 * and the APIs alike (the playbooks' own come from PlaybooksStoreModule).
 */
@Module({
  providers: [RunRepository, TaskRepository, AccountProfileRepository, TriggerDecisionRepository],
  exports: [RunRepository, TaskRepository, AccountProfileRepository, TriggerDecisionRepository],
})
export class RepositoriesModule {}
