import { accountOwnerOf } from '@tsuzuku/contracts';
import { AccountSnapshot, accountKeyOf } from './alert-evaluation';
import { AlertChange, AlertRecord } from './alert-record';

/** A workspace's fallback owner before and after its settings were applied. */
export interface FallbackChange {
  readonly workspaceId: string;
  readonly formerFallbackOwner: string | null;
  readonly fallbackOwner: string | null;
}

/** What deciding which alerts follow a new fallback owner reads. */
export interface FallbackReassignmentInput {
  readonly changes: readonly FallbackChange[];
  /** The snapshots of the accounts whose alerts may move (an account without one has no owner known). */
  readonly snapshots: readonly AccountSnapshot[];
  /** The open alerts of those accounts. */
  readonly openAlerts: readonly AlertRecord[];
}

const same = (a: string | null, b: string | null): boolean =>
  (a?.toLowerCase() ?? null) === (b?.toLowerCase() ?? null);

/**
 * The open alerts that go to a workspace's new fallback owner: those the former fallback owner
 * held (or nobody held, when there was none) on accounts without an owner of their own. Alerts of
 * an account with an owner stay where they are, and clearing the fallback owner moves nothing (an
 * alert is never taken from someone to be given to nobody). Pure.
 */
export function fallbackReassignments(input: FallbackReassignmentInput): AlertChange[] {
  const moved = new Map(
    input.changes
      .filter((c) => c.fallbackOwner !== null && !same(c.formerFallbackOwner, c.fallbackOwner))
      .map((c) => [c.workspaceId, c]),
  );
  if (moved.size === 0) return [];
  const owned = new Set(
    input.snapshots.filter((s) => accountOwnerOf(s.snapshot) !== null).map((s) => accountKeyOf(s)),
  );
  const changes: AlertChange[] = [];
  for (const alert of input.openAlerts) {
    const change = moved.get(alert.workspaceId);
    if (!change || owned.has(accountKeyOf(alert)) || !same(alert.owner, change.formerFallbackOwner)) continue;
    changes.push({
      alert: { ...alert, owner: change.fallbackOwner },
      change: 'reassigned',
      fromStatus: alert.status,
      actor: null,
      note: null,
      detail: { trigger: 'fallback owner changed', fromOwner: alert.owner, owner: change.fallbackOwner },
    });
  }
  return changes;
}
