import { Global, Module } from '@nestjs/common';
import { TriggerDecisionRepository } from '../decisions/trigger-decision.repository';
import { PlaybooksStoreModule } from '../playbooks/playbooks-store.module';
import { EngineLoop } from './engine-loop';
import { RunEngine } from './run-engine';
import { SignalsConsumer } from './signals.consumer';
import { SignalsService } from './signals.service';
import { StepEffects } from './step-effects';
import { TriggerIntake } from './trigger-intake';
import { TriggerSweep } from './trigger-sweep';

/** The durable engine: signals in, runs advanced by the loop, effects out. */
@Global()
@Module({
  imports: [PlaybooksStoreModule],
  providers: [
    StepEffects,
    RunEngine,
    TriggerDecisionRepository,
    TriggerIntake,
    TriggerSweep,
    EngineLoop,
    SignalsService,
    SignalsConsumer,
  ],
  exports: [RunEngine, EngineLoop, SignalsService, TriggerDecisionRepository],
})
export class EngineModule {}
