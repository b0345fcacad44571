import type { CustomerEventData, EventEnvelope } from '@tsuzuku/contracts';

export type CustomerEvent = EventEnvelope<'customer.event.recorded', CustomerEventData>;

/** A user's membership of an account, as a group call states it at event time. */
export interface Membership {
  readonly workspaceId: string;
  readonly userId: string;
  readonly accountId: string;
  readonly at: string;
}

/** An event with the account it belongs to. */
export interface AttributedEvent {
  readonly event: CustomerEvent;
  readonly accountId: string;
}

/** Who sent an event: its user, else its anonymous id. */
export const actorOf = (e: CustomerEvent): string | null | undefined => e.data.userId ?? e.data.anonymousId;

/** The latest membership each user's group calls in the run state, in user order. */
export function membershipsStated(events: readonly CustomerEvent[]): Membership[] {
  const joins = new Map<string, Membership>();
  for (const e of events) {
    const actor = actorOf(e);
    if (e.data.call !== 'group' || !actor || !e.data.groupId) continue;
    const key = `${e.workspaceId}\u0000${actor}`;
    const known = joins.get(key);
    if (!known || known.at <= e.occurredAt)
      joins.set(key, {
        workspaceId: e.workspaceId,
        userId: actor,
        accountId: e.data.groupId,
        at: e.occurredAt,
      });
  }
  return [...joins.values()].sort((a, b) => (a.userId < b.userId ? -1 : 1));
}

/** The events that name no account of their own: their account comes from their user's membership. */
export function orphansOf(events: readonly CustomerEvent[]): CustomerEvent[] {
  return events.filter((e) => !e.accountId && !(e.data.call === 'group' && e.data.groupId));
}

/** The key under which a user's membership is looked up. */
export const membershipKey = (workspaceId: string, userId: string): string => `${workspaceId}\u0000${userId}`;

/**
 * Gives each event its account: its own, a group call's group, else its user's known membership.
 * Events with an actor but no account are kept for later; those with neither belong to no one
 * (ingestion refuses them).
 */
export function attribute(
  events: readonly CustomerEvent[],
  memberships: ReadonlyMap<string, string>,
): { attributed: AttributedEvent[]; kept: CustomerEvent[] } {
  const attributed: AttributedEvent[] = [];
  const kept: CustomerEvent[] = [];
  for (const e of events) {
    const accountId =
      e.accountId ??
      (e.data.call === 'group' ? e.data.groupId : undefined) ??
      memberships.get(membershipKey(e.workspaceId, actorOf(e) ?? ''));
    if (accountId) attributed.push({ event: e, accountId });
    else if (actorOf(e)) kept.push(e);
  }
  return { attributed, kept };
}
