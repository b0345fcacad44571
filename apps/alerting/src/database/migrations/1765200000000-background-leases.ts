import { MigrationInterface, QueryRunner } from 'typeorm';
import { leaseTableSql } from '@tsuzuku/platform-database';

const leases = leaseTableSql('alerting');

/** The lease table of the background jobs that run once per cluster (JobRunner). */
export class BackgroundLeases1765200000000 implements MigrationInterface {
  name = 'BackgroundLeases1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(leases.up);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(leases.down);
  }
}
