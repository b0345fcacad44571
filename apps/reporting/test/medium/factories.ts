import { randomUUID } from 'node:crypto';
import { CustomerEventData } from '@tsuzuku/contracts';
import { TestCustomerEvent, testCustomerEvent } from '@tsuzuku/platform-testing';

/** A workspace of its own for each test. */
export const newWorkspace = (): string => `ws_${randomUUID().slice(0, 8)}`;

export type SubscriptionCall = 'Started' | 'Changed' | 'Renewed' | 'Cancelled';

/** A subscription call of an account (mrr in currency units; a cancellation carries none). */
export const subscription = (
  workspaceId: string,
  accountId: string,
  call: SubscriptionCall,
  at: string,
  mrr: number | null,
  subscriptionId = `sub_${accountId}`,
): TestCustomerEvent =>
  testCustomerEvent(workspaceId, accountId, at, {
    event: `Subscription ${call}`,
    properties: { subscription_id: subscriptionId, ...(mrr === null ? {} : { mrr }) },
  });

/** A group call putting the account in a segment (the traits of a Segment group call). */
export const segmentCall = (
  workspaceId: string,
  accountId: string,
  at: string,
  segment: string,
  traits: CustomerEventData['traits'] = {},
): TestCustomerEvent =>
  testCustomerEvent(workspaceId, accountId, at, {
    call: 'group',
    event: undefined,
    groupId: accountId,
    traits: { segment, ...traits },
  });

/** A sign-in of a user of the account. */
export const signIn = (
  workspaceId: string,
  accountId: string,
  at: string,
  userId = 'u1',
): TestCustomerEvent => testCustomerEvent(workspaceId, accountId, at, { event: 'Signed In', userId });
