import { ServiceDatabase } from '@tsuzuku/platform-database';
import { AccountActivity } from '../activity/account-activity.entity';
import { CreateHealthScoringSchema1763870400000 } from './migrations/1763870400000-create-health-scoring-schema';

/** The health-scoring service owns the `health_scoring` schema and nothing else. */
export const healthScoringDatabase: ServiceDatabase = {
  schema: 'health_scoring',
  entities: [AccountActivity],
  migrations: [CreateHealthScoringSchema1763870400000],
};
