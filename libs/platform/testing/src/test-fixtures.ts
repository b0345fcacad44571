import { randomUUID } from 'node:crypto';
import {
  AccountHealth,
  AccountSignals,
  AccountUpdatedData,
  ApiScope,
  CredentialRecord,
  CustomerEventData,
  EventEnvelope,
  EventRegistry,
  EventType,
  Topic,
} from '@tsuzuku/contracts';
import { generateSecret, hashSecret } from '@tsuzuku/platform-auth';
import { EventPublisher } from '@tsuzuku/platform-kafka';
import { TopicReader } from './topic-reader';
import { waitFor } from './wait-for';

export type TestCustomerEvent = EventEnvelope<'customer.event.recorded', CustomerEventData>;

/** An event of an account as a producing service would wrap it (source "test", its own trace). */
export function testEnvelope<T extends EventType>(
  type: T,
  workspaceId: string,
  accountId: string | null,
  data: EventRegistry[T],
  occurredAt: string = new Date().toISOString(),
  id: string = randomUUID(),
): EventEnvelope<T, EventRegistry[T]> {
  return {
    specVersion: 1,
    id,
    type,
    workspaceId,
    accountId,
    occurredAt,
    producedAt: new Date().toISOString(),
    source: 'test',
    correlationId: id,
    causationId: null,
    data,
  };
}

/** A valid customer event as ingestion would publish it: a track call of user u1 unless `data` says otherwise. */
export function testCustomerEvent(
  workspaceId: string,
  accountId: string | null,
  occurredAt: string,
  data: Partial<CustomerEventData> = {},
): TestCustomerEvent {
  const id = randomUUID();
  return testEnvelope(
    'customer.event.recorded',
    workspaceId,
    accountId,
    {
      call: 'track',
      messageId: id,
      event: 'Signed In',
      userId: 'u1',
      anonymousId: null,
      properties: {},
      traits: {},
      context: {},
      timestamp: occurredAt,
      receivedAt: occurredAt,
      sentAt: null,
      originalTimestamp: null,
      ...data,
    },
    occurredAt,
    id,
  );
}

const DAY_MS = 86_400_000;

/** What a test changes in testAccountUpdated's account: any profile field, and any part of its health and signals. */
export type TestAccountOverrides = Partial<Omit<AccountUpdatedData, 'health' | 'signals'>> & {
  readonly health?: Partial<AccountHealth>;
  readonly signals?: Partial<AccountSignals>;
};

/**
 * An account.updated's data as of `now`: an active account first seen 100 days before (older than
 * the alert rules' grace period for new accounts), green at 80, three active users, no NPS; `o`
 * changes any of it.
 */
export function testAccountData(now: Date, o: TestAccountOverrides = {}): AccountUpdatedData {
  const at = now.toISOString();
  const { health, signals, ...profile } = o;
  return {
    name: 'Acme',
    plan: 'pro',
    mrr: 100,
    seats: 10,
    renewalDate: null,
    owner: null,
    segment: 'smb',
    industry: null,
    phase: 'adoption',
    touchModel: 'low',
    firstSeenAt: new Date(now.getTime() - 100 * DAY_MS).toISOString(),
    lastSeenAt: at,
    ...profile,
    health: {
      score: 80,
      band: 'green',
      computedScore: 80,
      coverage: 1,
      scorecardId: null,
      override: null,
      ...health,
    },
    signals: {
      asOf: at,
      metrics: {},
      lastSignInAt: at,
      activeUsers7d: 3,
      activeUsersPrev7d: 3,
      activeUsers30d: 3,
      events7d: 10,
      eventsPrev7d: 10,
      ticketDays: [],
      latestNps: null,
      onboardingCompletedAt: null,
      ...signals,
    },
  };
}

/** testAccountData as health-scoring publishes it now, for an account named after its id. */
export function testAccountUpdated(
  workspaceId: string,
  accountId: string,
  o: TestAccountOverrides = {},
): EventEnvelope<'account.updated', AccountUpdatedData> {
  const now = new Date();
  return testEnvelope(
    'account.updated',
    workspaceId,
    accountId,
    testAccountData(now, { name: accountId, ...o }),
    now.toISOString(),
  );
}

/**
 * Issues an API token the way ingestion announces one (its hash on cs.credentials.v1) and waits
 * until the service at `serviceUrl` accepts it; returns the secret.
 */
export async function issueTestApiToken(
  publisher: EventPublisher,
  serviceUrl: string,
  workspaceId: string,
  scopes: ApiScope[],
  label = 'test-token',
): Promise<string> {
  const secret = generateSecret('api_token');
  const record: CredentialRecord = {
    id: randomUUID(),
    kind: 'api_token',
    workspaceId,
    secretHash: hashSecret(secret),
    scopes,
    label,
    createdAt: new Date().toISOString(),
    revokedAt: null,
  };
  await publisher.publishRaw(Topic.Credentials, [{ key: record.id, value: JSON.stringify(record) }]);
  await waitFor(
    async () => {
      const response = await fetch(`${serviceUrl}/v1/auth/whoami`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      return response.status === 200 || undefined;
    },
    { what: `the service to accept the API token ${label}` },
  );
  return secret;
}

/**
 * The Segment calls of an enterprise signup at `timestamp`, by the account's owner
 * (`<groupId>-owner`): its group call (MRR 1500, 25 seats), Subscription Started and a sign-in.
 */
export function enterpriseSignupCalls(
  groupId: string,
  name: string,
  timestamp: string,
): Record<string, unknown>[] {
  const userId = `${groupId}-owner`;
  return [
    {
      type: 'group',
      messageId: randomUUID(),
      userId,
      groupId,
      timestamp,
      traits: { name, plan: 'enterprise', mrr: 1500, seats: 25, segment: 'enterprise' },
    },
    {
      type: 'track',
      messageId: randomUUID(),
      userId,
      event: 'Subscription Started',
      timestamp,
      properties: {
        mrr: 1500,
        currency: 'USD',
        subscription_id: `sub-${groupId}`,
        plan: 'enterprise',
        seats: 25,
      },
      context: { groupId },
    },
    { type: 'track', messageId: randomUUID(), userId, event: 'Signed In', timestamp, context: { groupId } },
  ];
}

/** Waits until `reader`, on cs.playbooks.v1, has read a task.updated that gives task `taskId` the owner `owner`. */
export function waitForTaskOwner(reader: TopicReader, taskId: string, owner: string | null): Promise<true> {
  return waitFor(
    () =>
      reader.messages.some((m) => {
        const event = JSON.parse(m.value ?? '{}') as {
          type?: string;
          data?: { taskId?: string; owner?: string | null };
        };
        return event.type === 'task.updated' && event.data?.taskId === taskId && event.data.owner === owner;
      }) || undefined,
    { what: `task.updated for the moved task ${taskId}`, timeoutMs: 30_000 },
  );
}

/**
 * The Segment calls of a dormant account of `seats` seats: its group call 90 days ago (Dormant Ltd,
 * pro at MRR 2000, plus `traits`), a last sign-in 40 days ago, an NPS of 2 20 days ago and P1
 * tickets 15, 9 and 3 days ago; `ago(days)` is the time of a day that many days back.
 */
export function dormantAccountCalls(
  groupId: string,
  ago: (days: number) => string,
  seats: number,
  traits: Record<string, unknown> = {},
): Record<string, unknown>[] {
  const context = { groupId };
  return [
    {
      type: 'group',
      userId: 'd-0',
      groupId,
      timestamp: ago(90),
      traits: { name: 'Dormant Ltd', seats, mrr: 2000, plan: 'pro', ...traits },
    },
    { type: 'track', userId: 'd-0', event: 'Signed In', timestamp: ago(40), context },
    {
      type: 'track',
      userId: 'd-1',
      event: 'Survey Responded',
      properties: { survey: 'nps', score: 2 },
      timestamp: ago(20),
      context,
    },
    ...[3, 9, 15].map((d, i) => ({
      type: 'track',
      userId: 'd-1',
      event: 'Ticket Opened',
      properties: { ticket_id: `T-${i}`, priority: 'P1' },
      timestamp: ago(d),
      context,
    })),
  ];
}
