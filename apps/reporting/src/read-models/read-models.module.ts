import { Module } from '@nestjs/common';
import { SettingsStoreModule } from '../settings/settings-store.module';
import { AccountOutlookRepository } from './account-outlook.repository';
import { ActivityRecorder } from './activity.recorder';
import { ActivityRepository } from './activity.repository';
import { MrrDeriver } from './mrr.deriver';
import { MrrRepository } from './mrr.repository';
import { AlertsRepository } from './alerts.repository';
import { AttributesRepository } from './attributes.repository';
import { BandChangesRepository } from './band-changes.repository';
import { PlaybookRunsRepository } from './playbook-runs.repository';
import { SurveysRepository } from './surveys.repository';
import { ReadModelWriter } from './read-model.writer';
import { ReadModelsRepository } from './read-models.repository';

/** What writes the read models: shared by the live consumer and the rebuild. */
@Module({
  imports: [SettingsStoreModule],
  providers: [
    AccountOutlookRepository,
    ReadModelWriter,
    MrrDeriver,
    MrrRepository,
    AttributesRepository,
    ActivityRecorder,
    ActivityRepository,
    AlertsRepository,
    BandChangesRepository,
    PlaybookRunsRepository,
    SurveysRepository,
    ReadModelsRepository,
  ],
  exports: [
    ReadModelWriter,
    MrrDeriver,
    MrrRepository,
    AlertsRepository,
    BandChangesRepository,
    PlaybookRunsRepository,
    SurveysRepository,
    ReadModelsRepository,
  ],
})
export class ReadModelsModule {}
