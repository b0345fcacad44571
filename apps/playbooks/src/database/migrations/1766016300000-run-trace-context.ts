import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context of the signal that started each run: the run's steps execute later, from
 * the engine's loop, and their messages (tasks created, steps executed) continue that trace.
 */
export class RunTraceContext1766016300000 implements MigrationInterface {
  name = 'RunTraceContext1766016300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE playbooks.runs ADD COLUMN trace_context jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE playbooks.runs DROP COLUMN trace_context`);
  }
}
