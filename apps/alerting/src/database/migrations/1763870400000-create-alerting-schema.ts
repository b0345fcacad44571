import { MigrationInterface, QueryRunner } from 'typeorm';
import { inboxTableSql } from '@tsuzuku/platform-database';

const inbox = inboxTableSql('alerting');

export class CreateAlertingSchema1763870400000 implements MigrationInterface {
  name = 'CreateAlertingSchema1763870400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(inbox.up);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(inbox.down);
  }
}
