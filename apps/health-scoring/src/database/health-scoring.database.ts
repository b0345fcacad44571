import { ServiceDatabase } from '@tsuzuku/platform-database';
import { AccountActivity } from '../activity/account-activity.entity';
import { CreateHealthScoringSchema1763870400000 } from './migrations/1763870400000-create-health-scoring-schema';
import { HealthModel1763964000000 } from './migrations/1763964000000-health-model';

/** The health-scoring service owns the `health_scoring` schema and nothing else. */
export const healthScoringDatabase: ServiceDatabase = {
  schema: 'health_scoring',
  entities: [AccountActivity],
  migrations: [CreateHealthScoringSchema1763870400000, HealthModel1763964000000],
  outbox: true,
};
