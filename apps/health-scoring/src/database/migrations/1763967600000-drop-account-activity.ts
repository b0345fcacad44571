import { MigrationInterface, QueryRunner } from 'typeorm';

/** The first proof of the Kafka path counted events per account; accounts and account_days do it now. */
export class DropAccountActivity1763967600000 implements MigrationInterface {
  name = 'DropAccountActivity1763967600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE health_scoring.account_activity');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
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
}
