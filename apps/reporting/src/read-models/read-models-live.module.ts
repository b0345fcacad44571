import { Module } from '@nestjs/common';
import { HorizonKeeper } from './horizon.keeper';
import { ReadModelsConsumer } from './read-models.consumer';
import { ReadModelsModule } from './read-models.module';

/** The running service's side of the read models: the consumer and the month-horizon keeper. */
@Module({
  imports: [ReadModelsModule],
  providers: [ReadModelsConsumer, HorizonKeeper],
})
export class LiveReadModelsModule {}
