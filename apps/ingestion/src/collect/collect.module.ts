import { Module } from '@nestjs/common';
import { CollectController } from './collect.controller';
import { CollectService } from './collect.service';
import { DedupeLedger } from './dedupe-ledger';
import { MembershipRepository } from './membership.repository';
import { PublishedEventRepository } from './published-event.repository';
import { SentEvents } from './sent-events';
import { DedupePruner } from './dedupe-pruner';
import { ReplicaCount } from './replica-count';
import { ReplicasRepository } from './replicas.repository';
import { IngestionMetrics } from './ingestion.metrics';
import { LoadMonitor } from './load-monitor';
import { TrackingPlanModule } from '../tracking-plan/tracking-plan.module';

@Module({
  imports: [TrackingPlanModule],
  controllers: [CollectController],
  providers: [
    CollectService,
    DedupeLedger,
    PublishedEventRepository,
    SentEvents,
    MembershipRepository,
    DedupePruner,
    ReplicasRepository,
    ReplicaCount,
    IngestionMetrics,
    LoadMonitor,
  ],
})
export class CollectModule {}
