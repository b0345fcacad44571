import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../database/repositories.module';
import { PlaybooksStoreModule } from '../playbooks/playbooks-store.module';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

@Module({
  imports: [RepositoriesModule, PlaybooksStoreModule],
  controllers: [RunsController],
  providers: [RunsService],
})
export class RunsModule {}
