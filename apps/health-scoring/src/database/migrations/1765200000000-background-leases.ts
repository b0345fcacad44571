import { MigrationInterface, QueryRunner } from 'typeorm';
import { leaseTableSql } from '@tsuzuku/platform-database';

const leases = leaseTableSql('health_scoring');

/** The lease table of the background jobs that run once per cluster (JobRunner). */
export class BackgroundLeases1765200000000 implements MigrationInterface {
  name = 'BackgroundLeases1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(leases.up);
    // What account.updated last said of each account, so a sweep announces only what changed.
    await queryRunner.query('ALTER TABLE health_scoring.accounts ADD COLUMN published_fingerprint text');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE health_scoring.accounts DROP COLUMN published_fingerprint');
    await queryRunner.query(leases.down);
  }
}
