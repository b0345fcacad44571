import { AnyEventEnvelope } from '@tsuzuku/contracts';

/** The track event that starts subscription_started playbooks. */
export const SUBSCRIPTION_STARTED_EVENT = 'Subscription Started';

/**
 * Whether applying a signal again changes nothing, so that it needs no inbox claim: a track event
 * other than a subscription start only records when the account last did it (the latest time is
 * kept) and wakes the account's waiting runs to look again. Group and identify calls (the last one
 * applied wins), subscription starts (they start runs) and every other envelope are claimed.
 */
export function isIdempotentSignal(e: AnyEventEnvelope): boolean {
  return (
    e.type === 'customer.event.recorded' &&
    e.data.call === 'track' &&
    e.data.event !== SUBSCRIPTION_STARTED_EVENT
  );
}
