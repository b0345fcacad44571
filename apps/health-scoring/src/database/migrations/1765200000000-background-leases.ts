import { leaseTableSql, sqlMigration } from '@tsuzuku/platform-database';

/** The lease table of the background jobs that run once per cluster (JobRunner). */
export const BackgroundLeases1765200000000 = sqlMigration('BackgroundLeases1765200000000', [
  leaseTableSql('health_scoring'),
  // What account.updated last said of each account, so a sweep announces only what changed.
  {
    up: 'ALTER TABLE health_scoring.accounts ADD COLUMN published_fingerprint text',
    down: 'ALTER TABLE health_scoring.accounts DROP COLUMN published_fingerprint',
  },
]);
