import { ServiceDatabase } from '@tsuzuku/platform-database';
import { CreateHealthScoringSchema1763870400000 } from './migrations/1763870400000-create-health-scoring-schema';
import { HealthModel1763964000000 } from './migrations/1763964000000-health-model';
import { DropAccountActivity1763967600000 } from './migrations/1763967600000-drop-account-activity';
import { OnboardingStepsAt1764000000000 } from './migrations/1764000000000-onboarding-steps-at';
import { Backfill1764900000000 } from './migrations/1764900000000-backfill';
import { BackgroundLeases1765200000000 } from './migrations/1765200000000-background-leases';
import { AccountSubscriptions1766021310000 } from './migrations/1766021310000-account-subscriptions';
import { BackfillPendingDays1766021320000 } from './migrations/1766021320000-backfill-pending-days';
import { AccountOwner1767100000000 } from './migrations/1767100000000-account-owner';
import { AccountTraitsAt1767500000000 } from './migrations/1767500000000-account-traits-at';
import { ScoreHistoryMeasures1767700000000 } from './migrations/1767700000000-score-history-measures';
import { AccountChurnedAt1767700100000 } from './migrations/1767700100000-account-churned-at';
import { AccountEventsSubscriptions1767700200000 } from './migrations/1767700200000-account-events-subscriptions';
import { ChurnModels1767710000000 } from './migrations/1767710000000-churn-models';
import { ScorecardDrafts1767710100000 } from './migrations/1767710100000-scorecard-drafts';
import { CompactAccountMeasures1767740000000 } from './migrations/1767740000000-compact-account-measures';

/** The health-scoring service owns the `health_scoring` schema and nothing else. */
export const healthScoringDatabase: ServiceDatabase = {
  schema: 'health_scoring',
  entities: [],
  migrations: [
    CreateHealthScoringSchema1763870400000,
    HealthModel1763964000000,
    DropAccountActivity1763967600000,
    OnboardingStepsAt1764000000000,
    Backfill1764900000000,
    BackgroundLeases1765200000000,
    AccountSubscriptions1766021310000,
    BackfillPendingDays1766021320000,
    AccountOwner1767100000000,
    AccountTraitsAt1767500000000,
    ScoreHistoryMeasures1767700000000,
    AccountChurnedAt1767700100000,
    AccountEventsSubscriptions1767700200000,
    ChurnModels1767710000000,
    ScorecardDrafts1767710100000,
    CompactAccountMeasures1767740000000,
  ],
  outbox: true,
};
