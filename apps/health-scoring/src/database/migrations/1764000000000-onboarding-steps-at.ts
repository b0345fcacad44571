import { MigrationInterface, QueryRunner } from 'typeorm';

/** When each onboarding step was first completed (event time), so the completion time is known. */
export class OnboardingStepsAt1764000000000 implements MigrationInterface {
  name = 'OnboardingStepsAt1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE health_scoring.accounts ADD COLUMN onboarding_steps_at jsonb NOT NULL DEFAULT '{}'::jsonb`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE health_scoring.accounts DROP COLUMN onboarding_steps_at');
  }
}
