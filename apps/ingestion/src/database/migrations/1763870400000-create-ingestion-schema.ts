import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIngestionSchema1763870400000 implements MigrationInterface {
  name = 'CreateIngestionSchema1763870400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ingestion.workspaces (
      id text PRIMARY KEY,
      name text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ingestion.workspaces`);
  }
}
