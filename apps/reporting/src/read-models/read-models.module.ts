import { Module } from '@nestjs/common';
import { SettingsStoreModule } from '../settings/settings-store.module';
import { ActivityStore } from './activity.store';
import { MrrDeriver } from './mrr.deriver';
import { MrrRepository } from './mrr.repository';
import { ReadModelWriter } from './read-model.writer';

/** What writes the read models: shared by the live consumer and the rebuild. */
@Module({
  imports: [SettingsStoreModule],
  providers: [ReadModelWriter, MrrDeriver, MrrRepository, ActivityStore],
  exports: [ReadModelWriter, MrrDeriver],
})
export class ReadModelsModule {}
