import { DynamicModule, Module } from '@nestjs/common';
import { serviceRootModule } from '@tsuzuku/platform-runtime';
import { ReportingConfig } from './config/reporting.config';
import { RenewalForecastModule } from './forecasts/renewal-forecast.module';
import { reportingDatabase } from './database/reporting.database';
import { LiveReadModelsModule } from './read-models/read-models-live.module';
import { ReportsModule } from './reports/reports.module';

@Module({})
export class AppModule {
  static register(config: ReportingConfig): DynamicModule {
    const features = [LiveReadModelsModule, ReportsModule, RenewalForecastModule];
    return serviceRootModule(AppModule, 'reporting', config, reportingDatabase, features);
  }
}
