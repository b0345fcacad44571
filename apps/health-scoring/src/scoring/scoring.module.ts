import { Global, Module } from '@nestjs/common';
import { BackfillController } from './backfill.controller';
import { Clock } from './clock';
import { Rescorer } from './ports';
import { ScoringConsumer } from './scoring.consumer';
import { ScoringEngine } from './scoring.engine';
import { ScoringSweep } from './scoring.sweep';
import { ScorecardsModule } from '../scorecards/scorecards.module';
import { SettingsModule } from '../settings/settings.module';

/** The scoring engine, its consumer and sweep; other features reach it through `Rescorer`. */
@Global()
@Module({
  // The engine reads scorecards and settings; their controllers reach back through the global Rescorer.
  imports: [ScorecardsModule, SettingsModule],
  controllers: [BackfillController],
  providers: [
    Clock,
    ScoringEngine,
    { provide: Rescorer, useExisting: ScoringEngine },
    ScoringConsumer,
    ScoringSweep,
  ],
  exports: [Rescorer, ScoringEngine, Clock, ScoringSweep],
})
export class ScoringModule {}
