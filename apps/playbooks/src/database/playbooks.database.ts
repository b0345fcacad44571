import { ServiceDatabase } from '@tsuzuku/platform-database';
import { CreatePlaybooksSchema1763870400000 } from './migrations/1763870400000-create-playbooks-schema';

/** The playbooks service owns the `playbooks` schema and nothing else. */
export const playbooksDatabase: ServiceDatabase = {
  schema: 'playbooks',
  entities: [],
  migrations: [CreatePlaybooksSchema1763870400000],
};
