import { MigrationInterface, QueryRunner } from 'typeorm';
import { inboxTableSql } from '@tsuzuku/platform-database';

const inbox = inboxTableSql('playbooks');

export class CreatePlaybooksSchema1763870400000 implements MigrationInterface {
  name = 'CreatePlaybooksSchema1763870400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(inbox.up);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(inbox.down);
  }
}
