import { randomUUID } from 'node:crypto';
import { CustomerEventData } from '@tsuzuku/contracts';
import { OutboxRelay } from '@tsuzuku/platform-kafka';
import { TestCustomerEvent, testCustomerEvent } from '@tsuzuku/platform-testing';
import { HealthScoringConfig } from '../../src/config/health-scoring.config';
import { DataSource } from 'typeorm';
import { ManualClock } from '@tsuzuku/platform-runtime';
import { ScorecardRepository } from '../../src/scorecards/scorecard.repository';
import { ScorecardsService } from '../../src/scorecards/scorecards.service';
import { AccountActivityRepository } from '../../src/scoring/account-activity.repository';
import { AccountAttributionService } from '../../src/scoring/account-attribution.service';
import { AccountProfileRepository } from '../../src/scoring/account-profile.repository';
import { AccountScorer } from '../../src/scoring/account-scorer';
import { BackfillRepository } from '../../src/scoring/backfill.repository';
import { BackfillService } from '../../src/scoring/backfill.service';
import { DailyTotalsRepository } from '../../src/scoring/daily-totals.repository';
import { EventIntakeService } from '../../src/scoring/event-intake.service';
import { MembershipRepository } from '../../src/scoring/membership.repository';
import { OverrideRepository } from '../../src/scoring/override.repository';
import { RescoringService } from '../../src/scoring/rescoring.service';
import { ScoreHistoryRepository } from '../../src/scoring/score-history.repository';
import { ScoringFactsRepository } from '../../src/scoring/scoring-facts.repository';
import { WorkspaceInputs } from '../../src/scoring/workspace-inputs';
import { WorkspaceSettingsRepository } from '../../src/settings/workspace-settings.repository';
import { WorkspaceSettingsService } from '../../src/settings/workspace-settings.service';

/** A workspace of its own for each test. */
export const newWorkspace = (): string => `ws_${randomUUID().slice(0, 8)}`;

/** A sign-in of a user, for an account or (accountId null) for whoever the user belongs to. */
export const signIn = (
  workspaceId: string,
  accountId: string | null,
  at: Date,
  userId = 'u1',
): TestCustomerEvent =>
  testCustomerEvent(workspaceId, accountId, at.toISOString(), { event: 'Signed In', userId });

/** A group call: the user belongs to the account, with these traits. */
export const groupCall = (
  workspaceId: string,
  accountId: string,
  at: Date,
  userId = 'u1',
  traits: CustomerEventData['traits'] = {},
): TestCustomerEvent =>
  testCustomerEvent(workspaceId, null, at.toISOString(), {
    call: 'group',
    event: undefined,
    userId,
    groupId: accountId,
    traits,
  });

/** The configuration the scoring reads, as the medium tests set it. */
export const mediumConfig = (overrides: Partial<HealthScoringConfig> = {}): HealthScoringConfig =>
  Object.assign(new HealthScoringConfig(), {
    WORKSPACE_CACHE_TTL_MS: 60_000,
    BACKFILL_HORIZON_HOURS: 72,
    BACKFILL_SETTLE_MS: 60_000,
    ...overrides,
  });

/** No cross-replica notifications in a medium test: one process, no relay. */
export const noRelay = { onNotification: () => undefined } as unknown as OutboxRelay;

/** The scoring engine as the service wires it, on a migrated database: intake, rescoring, backfill. */
export function scoringEngine(ds: DataSource, clock: ManualClock, config: HealthScoringConfig) {
  const accounts = new AccountProfileRepository(ds);
  const facts = new ScoringFactsRepository();
  const history = new ScoreHistoryRepository();
  const inputs = new WorkspaceInputs(
    new WorkspaceSettingsService(ds, new WorkspaceSettingsRepository(ds), config, noRelay),
    new ScorecardsService(ds, new ScorecardRepository(ds), config, noRelay),
  );
  const scorer = new AccountScorer(accounts, facts, history, inputs, clock, config);
  const backfill = new BackfillService(
    ds,
    accounts,
    new BackfillRepository(ds),
    facts,
    history,
    scorer,
    inputs,
    clock,
    config,
  );
  const intake = new EventIntakeService(
    ds,
    new AccountAttributionService(new MembershipRepository()),
    accounts,
    new DailyTotalsRepository(),
    new AccountActivityRepository(),
    scorer,
    backfill,
    inputs,
    clock,
    config,
  );
  const rescoring = new RescoringService(ds, accounts, new OverrideRepository(ds), scorer, inputs, clock);
  return { accounts, inputs, intake, rescoring, backfill };
}
