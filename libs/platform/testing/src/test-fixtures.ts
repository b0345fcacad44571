import { randomUUID } from 'node:crypto';
import {
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
