import { Module } from '@nestjs/common';
import { ScorecardStorageModule } from '../scorecards/scorecard-storage.module';
import { SettingsStorageModule } from '../settings/settings-storage.module';
import { AccountActivityRepository } from './account-activity.repository';
import { AccountAttributionService } from './account-attribution.service';
import { AccountProfileRepository } from './account-profile.repository';
import { AccountScorer } from './account-scorer';
import { BackfillController } from './backfill.controller';
import { BackfillRepository } from './backfill.repository';
import { BackfillService } from './backfill.service';
import { DailyTotalsRepository } from './daily-totals.repository';
import { EventIntakeService } from './event-intake.service';
import { MembershipRepository } from './membership.repository';
import { OverrideRepository } from './override.repository';
import { OwnerAssigner, Rescorer } from './ports';
import { RescoringService } from './rescoring.service';
import { ScoreHistoryRepository } from './score-history.repository';
import { ScoringFactsRepository } from './scoring-facts.repository';
import { ScoringConsumer } from './scoring.consumer';
import { ScoringSweep } from './scoring.sweep';
import { WorkspaceInputs } from './workspace-inputs';

/**
 * The scoring: the event intake and its consumer, the present's and the past's scoring, the
 * sweep. It reads scorecards and settings from their storage modules; the features that change
 * those (and the accounts API) import this module for `Rescorer`, so nothing depends back on them.
 */
@Module({
  imports: [ScorecardStorageModule, SettingsStorageModule],
  controllers: [BackfillController],
  providers: [
    AccountProfileRepository,
    AccountActivityRepository,
    BackfillRepository,
    DailyTotalsRepository,
    MembershipRepository,
    OverrideRepository,
    ScoreHistoryRepository,
    ScoringFactsRepository,
    WorkspaceInputs,
    AccountAttributionService,
    AccountScorer,
    BackfillService,
    EventIntakeService,
    RescoringService,
    { provide: Rescorer, useExisting: RescoringService },
    { provide: OwnerAssigner, useExisting: RescoringService },
    ScoringConsumer,
    ScoringSweep,
  ],
  exports: [
    Rescorer,
    OwnerAssigner,
    RescoringService,
    OverrideRepository,
    EventIntakeService,
    BackfillService,
    ScoringSweep,
  ],
})
export class ScoringModule {}
