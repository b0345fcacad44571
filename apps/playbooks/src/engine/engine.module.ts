import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../database/repositories.module';
import { EmailSettingsModule } from '../email/email-settings.module';
import { PlaybooksStoreModule } from '../playbooks/playbooks-store.module';
import { EngineLoop } from './engine-loop';
import { RunEngine } from './run-engine';
import { SignalsConsumer } from './signals.consumer';
import { SignalsService } from './signals.service';
import { StepEffects } from './step-effects';
import { TriggerIntake } from './trigger-intake';
import { TriggerSweep } from './trigger-sweep';

/** The durable engine: signals in, runs advanced by the loop, effects out. */
@Module({
  imports: [PlaybooksStoreModule, RepositoriesModule, EmailSettingsModule],
  providers: [
    StepEffects,
    RunEngine,
    TriggerIntake,
    TriggerSweep,
    EngineLoop,
    SignalsService,
    SignalsConsumer,
  ],
  exports: [RunEngine, EngineLoop, SignalsService],
})
export class EngineModule {}
