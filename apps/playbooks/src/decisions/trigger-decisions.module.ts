import { Module } from '@nestjs/common';
import { TriggerDecisionsController } from './trigger-decisions.controller';

/** The trigger decisions API (the repository comes from the engine module). */
@Module({ controllers: [TriggerDecisionsController] })
export class TriggerDecisionsModule {}
