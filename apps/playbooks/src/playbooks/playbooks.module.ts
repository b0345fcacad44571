import { Module } from '@nestjs/common';
import { RepositoriesModule } from '../database/repositories.module';
import { PlaybooksStoreModule } from './playbooks-store.module';
import { PlaybooksController } from './playbooks.controller';
import { PlaybooksService } from './playbooks.service';

@Module({
  imports: [RepositoriesModule, PlaybooksStoreModule],
  controllers: [PlaybooksController],
  providers: [PlaybooksService],
})
export class PlaybooksModule {}
