import { ServiceDatabase } from '@tsuzuku/platform-database';
import { CreatePlaybooksSchema1763870400000 } from './migrations/1763870400000-create-playbooks-schema';
import { PlaybooksEngine1763971200000 } from './migrations/1763971200000-playbooks-engine';
import { BackgroundLeases1765000000000 } from './migrations/1765000000000-background-leases';

/** The playbooks service owns the `playbooks` schema and nothing else. */
export const playbooksDatabase: ServiceDatabase = {
  schema: 'playbooks',
  entities: [],
  migrations: [
    CreatePlaybooksSchema1763870400000,
    PlaybooksEngine1763971200000,
    BackgroundLeases1765000000000,
  ],
  outbox: true,
};
