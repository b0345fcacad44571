import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@tsuzuku/platform-runtime';
import { IngestionConfig } from './config/ingestion.config';
import { ingestionDatabase } from './database/ingestion.database';
import { CollectModule } from './collect/collect.module';
import { WorkspacesModule } from './workspaces/workspaces.module';
import { DeadLettersModule } from './dead-letters/dead-letters.module';

@Module({})
export class AppModule {
  static register(config: IngestionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // A Kafka outage leaves ingestion ready: it answers 503 with Retry-After itself.
        PlatformModule.forService('ingestion', config, ingestionDatabase, { kafkaReadiness: 'started' }),
        CollectModule,
        WorkspacesModule,
      ],
    };
  }

  /** What the CLI needs: no collect API, so a CLI run never counts as a replica sharing the rate limits. */
  static cli(config: IngestionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        PlatformModule.forService('ingestion', config, ingestionDatabase),
        WorkspacesModule,
        DeadLettersModule,
      ],
    };
  }
}
