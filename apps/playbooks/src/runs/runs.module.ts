import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../database/repositories.module';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

@Module({ imports: [RepositoriesModule], controllers: [RunsController], providers: [RunsService] })
export class RunsModule {}
