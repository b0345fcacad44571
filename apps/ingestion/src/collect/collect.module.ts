import { Module } from '@nestjs/common';
import { CollectController } from './collect.controller';
import { CollectService } from './collect.service';
import { IngestionStore } from './ingestion.store';
import { DedupePruner } from './dedupe-pruner';

@Module({
  controllers: [CollectController],
  providers: [CollectService, IngestionStore, DedupePruner],
})
export class CollectModule {}
