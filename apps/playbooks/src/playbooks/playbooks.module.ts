import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../database/repositories.module';
import { PlaybooksController } from './playbooks.controller';
import { PlaybooksService } from './playbooks.service';

@Module({ imports: [RepositoriesModule], controllers: [PlaybooksController], providers: [PlaybooksService] })
export class PlaybooksModule {}
