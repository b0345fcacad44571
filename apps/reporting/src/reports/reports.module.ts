import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/read-models.module';
import { SettingsStoreModule } from '../settings/settings-store.module';
import { SettingsController } from '../settings/settings.controller';
import { SettingsService } from '../settings/settings.service';
import { ReportingGrpcController } from '../grpc/reporting.grpc.controller';
import { ReportingGrpcServer } from '../grpc/reporting.grpc.server';
import { KpiService } from './kpi.service';
import { KpiRepository } from './kpi.repository';
import { MovementsRepository } from './movements.repository';
import { ReportsController } from './reports.controller';
import { SecondaryReportsService } from './secondary-reports.service';
import { SliceValuesRepository } from './slice-values.repository';

/** The reports over REST and gRPC, and the reporting settings. */
@Module({
  imports: [ReadModelsModule, SettingsStoreModule],
  controllers: [ReportsController, SettingsController, ReportingGrpcController],
  providers: [
    KpiRepository,
    MovementsRepository,
    KpiService,
    SliceValuesRepository,
    SecondaryReportsService,
    SettingsService,
    ReportingGrpcServer,
  ],
  exports: [KpiService],
})
export class ReportsModule {}
