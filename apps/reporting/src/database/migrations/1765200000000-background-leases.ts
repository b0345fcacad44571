import { leaseTableSql, sqlMigration } from '@tsuzuku/platform-database';

/** The lease table of the background jobs that run once per cluster (JobRunner). */
export const BackgroundLeases1765200000000 = sqlMigration('BackgroundLeases1765200000000', [
  leaseTableSql('reporting'),
]);
