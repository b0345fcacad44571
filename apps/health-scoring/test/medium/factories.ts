import { randomUUID } from 'node:crypto';
import { CustomerEventData } from '@tsuzuku/contracts';
import { OutboxRelay } from '@tsuzuku/platform-kafka';
import { TestCustomerEvent, testCustomerEvent } from '@tsuzuku/platform-testing';
import { HealthScoringConfig } from '../../src/config/health-scoring.config';

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
