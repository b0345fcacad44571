import { MigrationInterface, QueryRunner } from 'typeorm';

/** The event time of each trait value an account holds, so a late older event does not undo a newer one. */
export class AccountTraitsAt1767500000000 implements MigrationInterface {
  name = 'AccountTraitsAt1767500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE health_scoring.accounts ADD COLUMN traits_at jsonb NOT NULL DEFAULT '{}'::jsonb`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE health_scoring.accounts DROP COLUMN traits_at');
  }
}
