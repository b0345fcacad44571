import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../database/repositories.module';
import { TriggerDecisionsController } from './trigger-decisions.controller';

/** The trigger decisions API. */
@Module({ imports: [RepositoriesModule], controllers: [TriggerDecisionsController] })
export class TriggerDecisionsModule {}
