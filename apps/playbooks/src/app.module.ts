import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@tsuzuku/platform-runtime';
import { PlaybooksConfig } from './config/playbooks.config';
import { playbooksDatabase } from './database/playbooks.database';
@Module({})
export class AppModule {
  static register(config: PlaybooksConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService('playbooks', config, playbooksDatabase)],
    };
  }
}
