import { sqlMigration } from '@tsuzuku/platform-database';

/** When each onboarding step was first completed (event time), so the completion time is known. */
export const OnboardingStepsAt1764000000000 = sqlMigration('OnboardingStepsAt1764000000000', [
  {
    up: `ALTER TABLE health_scoring.accounts ADD COLUMN onboarding_steps_at jsonb NOT NULL DEFAULT '{}'::jsonb`,
    down: 'ALTER TABLE health_scoring.accounts DROP COLUMN onboarding_steps_at',
  },
]);
