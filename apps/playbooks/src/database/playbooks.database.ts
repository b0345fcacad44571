import { ServiceDatabase } from '@tsuzuku/platform-database';
import { CreatePlaybooksSchema1763870400000 } from './migrations/1763870400000-create-playbooks-schema';
import { PlaybooksEngine1763971200000 } from './migrations/1763971200000-playbooks-engine';
import { TriggerDecisions1765100000000 } from './migrations/1765100000000-trigger-decisions';
import { BackgroundLeases1765200000000 } from './migrations/1765200000000-background-leases';
import { RunTraceContext1766016300000 } from './migrations/1766016300000-run-trace-context';
import { AccountSubscriptionStatus1766021310000 } from './migrations/1766021310000-account-subscription-status';
import { TaskOwnerAndFallback1767200000200 } from './migrations/1767200000200-task-owner-and-fallback';
import { EmailSettings1767400000000 } from './migrations/1767400000000-email-settings';

/** The playbooks service owns the `playbooks` schema and nothing else. */
export const playbooksDatabase: ServiceDatabase = {
  schema: 'playbooks',
  entities: [],
  migrations: [
    CreatePlaybooksSchema1763870400000,
    PlaybooksEngine1763971200000,
    TriggerDecisions1765100000000,
    BackgroundLeases1765200000000,
    RunTraceContext1766016300000,
    AccountSubscriptionStatus1766021310000,
    TaskOwnerAndFallback1767200000200,
    EmailSettings1767400000000,
  ],
  outbox: true,
};
