import { Module } from '@nestjs/common';
import { SettingsStoreModule } from '../settings/settings-store.module';
import { ActivityRecorder } from './activity.recorder';
import { ActivityRepository } from './activity.repository';
import { MrrDeriver } from './mrr.deriver';
import { MrrRepository } from './mrr.repository';
import { AttributesRepository } from './attributes.repository';
import { ReadModelWriter } from './read-model.writer';

/** What writes the read models: shared by the live consumer and the rebuild. */
@Module({
  imports: [SettingsStoreModule],
  providers: [
    ReadModelWriter,
    MrrDeriver,
    MrrRepository,
    AttributesRepository,
    ActivityRecorder,
    ActivityRepository,
  ],
  exports: [ReadModelWriter, MrrDeriver],
})
export class ReadModelsModule {}
