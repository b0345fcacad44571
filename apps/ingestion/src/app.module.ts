import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@tsuzuku/platform-runtime';
import { IngestionConfig } from './config/ingestion.config';
import { ingestionDatabase } from './database/ingestion.database';
@Module({})
export class AppModule {
  static register(config: IngestionConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService('ingestion', config, ingestionDatabase)],
    };
  }
}
