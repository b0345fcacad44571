import { createTable, inboxTableSql, sqlMigration } from '@tsuzuku/platform-database';

/** Events counted per account: the first proof of the Kafka path (DropAccountActivity drops it). */
export const accountActivityTable = createTable(`CREATE TABLE health_scoring.account_activity (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      events_total bigint NOT NULL DEFAULT 0,
      first_event_at timestamptz NOT NULL,
      last_event_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, account_id)
    )`);

export const CreateHealthScoringSchema1763870400000 = sqlMigration('CreateHealthScoringSchema1763870400000', [
  inboxTableSql('health_scoring'),
  accountActivityTable,
]);
