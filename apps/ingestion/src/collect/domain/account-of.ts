import type { SegmentCall } from '@tsuzuku/contracts';

function nonEmpty(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * The account a call names itself: a group call's groupId; else context.groupId, else
 * properties.groupId. Null when it names none (then the user's latest group decides).
 */
export function accountNamedBy(call: SegmentCall): string | null {
  if (call.type === 'group') return nonEmpty(call.groupId);
  return nonEmpty(call.context?.['groupId']) ?? nonEmpty(call.properties?.['groupId']);
}

/** Who the call is about, for membership: the userId, else the anonymousId. */
export function actorOf(call: SegmentCall): string | null {
  return nonEmpty(call.userId) ?? nonEmpty(call.anonymousId);
}
