import { MigrationInterface, QueryRunner } from 'typeorm';
import { inboxTableSql } from '@tsuzuku/platform-database';

const inbox = inboxTableSql('health_scoring');

export class CreateHealthScoringSchema1763870400000 implements MigrationInterface {
  name = 'CreateHealthScoringSchema1763870400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(inbox.up);
    await queryRunner.query(`CREATE TABLE health_scoring.account_activity (
      workspace_id text NOT NULL,
      account_id text NOT NULL,
      events_total bigint NOT NULL DEFAULT 0,
      first_event_at timestamptz NOT NULL,
      last_event_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (workspace_id, account_id)
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE health_scoring.account_activity`);
    await queryRunner.query(inbox.down);
  }
}
