import { ServiceDatabase } from '@tsuzuku/platform-database';
import { CreateReportingSchema1763870400000 } from './migrations/1763870400000-create-reporting-schema';

/** The reporting service owns the `reporting` schema and nothing else. */
export const reportingDatabase: ServiceDatabase = {
  schema: 'reporting',
  entities: [],
  migrations: [CreateReportingSchema1763870400000],
};
