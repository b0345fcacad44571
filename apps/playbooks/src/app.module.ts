import { DynamicModule, Module } from '@nestjs/common';
import { serviceRootModule } from '@tsuzuku/platform-runtime';
import { PlaybooksConfig } from './config/playbooks.config';
import { playbooksDatabase } from './database/playbooks.database';
import { TriggerDecisionsModule } from './decisions/trigger-decisions.module';
import { EmailSettingsModule } from './email/email-settings.module';
import { EngineModule } from './engine/engine.module';
import { PlaybooksModule } from './playbooks/playbooks.module';
import { PlaybooksStoreModule } from './playbooks/playbooks-store.module';
import { RunsModule } from './runs/runs.module';
import { TasksModule } from './tasks/tasks.module';

@Module({})
export class AppModule {
  static register(config: PlaybooksConfig): DynamicModule {
    return serviceRootModule(AppModule, 'playbooks', config, playbooksDatabase, [
      PlaybooksStoreModule,
      EngineModule,
      PlaybooksModule,
      RunsModule,
      TasksModule,
      TriggerDecisionsModule,
      EmailSettingsModule,
    ]);
  }
}
