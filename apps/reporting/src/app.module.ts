import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@tsuzuku/platform-runtime';
import { ReportingConfig } from './config/reporting.config';
import { reportingDatabase } from './database/reporting.database';
@Module({})
export class AppModule {
  static register(config: ReportingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forService('reporting', config, reportingDatabase)],
    };
  }
}
