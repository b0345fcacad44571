import { MigrationInterface, QueryRunner } from 'typeorm';

/** The live ingestion replicas, each refreshing its row: the rate limits are shared among them. */
export class ReplicaInstances1764900000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE ingestion.instances (
      id uuid PRIMARY KEY,
      seen_at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE ingestion.instances');
  }
}
