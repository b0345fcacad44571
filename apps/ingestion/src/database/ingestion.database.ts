import { ServiceDatabase } from '@tsuzuku/platform-database';
import { CreateIngestionSchema1763870400000 } from './migrations/1763870400000-create-ingestion-schema';
import { CollectAndCredentials1763874000000 } from './migrations/1763874000000-collect-and-credentials';
import { DedupeLedger1763960400000 } from './migrations/1763960400000-dedupe-ledger';
import { PublishedEventsLedger1764200000000 } from './migrations/1764200000000-published-events-ledger';
import { ReplicaInstances1764900000000 } from './migrations/1764900000000-replica-instances';
import { BackgroundLeases1765200000000 } from './migrations/1765200000000-background-leases';
import { TrackingPlans1766082207000 } from './migrations/1766082207000-tracking-plans';
import { WorkspaceFallbackOwner1767200000000 } from './migrations/1767200000000-workspace-fallback-owner';
import { PendingSends1767600000000 } from './migrations/1767600000000-pending-sends';

/** The ingestion service owns the `ingestion` schema and nothing else. */
export const ingestionDatabase: ServiceDatabase = {
  schema: 'ingestion',
  entities: [],
  migrations: [
    CreateIngestionSchema1763870400000,
    CollectAndCredentials1763874000000,
    DedupeLedger1763960400000,
    PublishedEventsLedger1764200000000,
    ReplicaInstances1764900000000,
    BackgroundLeases1765200000000,
    TrackingPlans1766082207000,
    WorkspaceFallbackOwner1767200000000,
    PendingSends1767600000000,
  ],
  outbox: true,
};
