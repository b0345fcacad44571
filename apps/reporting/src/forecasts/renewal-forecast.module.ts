import { Module } from '@nestjs/common';
import { SettingsStoreModule } from '../settings/settings-store.module';
import { RenewalForecastController } from './renewal-forecast.controller';
import { RenewalForecastGrpcController } from './renewal-forecast.grpc.controller';
import { RenewalForecastRecorder } from './renewal-forecast.recorder';
import { RenewalForecastRepository } from './renewal-forecast.repository';
import { RenewalForecastService } from './renewal-forecast.service';

/** The renewal forecast over REST and gRPC, and the daily recording of forecasts. */
@Module({
  imports: [SettingsStoreModule],
  controllers: [RenewalForecastController, RenewalForecastGrpcController],
  providers: [RenewalForecastRepository, RenewalForecastService, RenewalForecastRecorder],
})
export class RenewalForecastModule {}
