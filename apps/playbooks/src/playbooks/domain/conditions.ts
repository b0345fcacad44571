import { createHash } from 'node:crypto';
import { includesTraitValue } from '@tsuzuku/contracts';
import type { HealthBand, LifecyclePhase, TaskStatus, TouchModel } from '@tsuzuku/contracts';
import type { Audience, Condition } from './playbook-definition';

/** What the engine knows about an account when it decides: its last account.updated and more. */
export interface AccountFacts {
  readonly segment: string | null;
  readonly touchModel: TouchModel | null;
  readonly phase: LifecyclePhase | null;
  readonly band: HealthBand | null;
  readonly score: number | null;
  readonly onboardingComplete: boolean;
  /** Track event names with the last time each was seen (ISO). */
  readonly eventsSeen: ReadonlyMap<string, string>;
}

/** What a run adds to the account facts: its own tasks, its alert, its start. */
export interface RunFacts extends AccountFacts {
  readonly runStartedAt: string;
  /** Status of the task each task step of this run created, by step id. */
  readonly tasks: ReadonlyMap<string, TaskStatus>;
  readonly alertResolved: boolean;
}

/** Whether an account is in a playbook's audience; an unknown attribute matches only an open filter. */
export function inAudience(audience: Audience, account: AccountFacts): boolean {
  return audienceMismatch(audience, account) === null;
}

/** The first audience filter the account fails, with what it asks and what the account has; null when in. */
export function audienceMismatch(audience: Audience, account: AccountFacts): string | null {
  const checks: [string, readonly string[] | undefined, string | null][] = [
    ['segments', audience.segments, account.segment],
    ['touchModels', audience.touchModels, account.touchModel],
    ['phases', audience.phases, account.phase],
    ['bands', audience.bands, account.band],
  ];
  // Values compare as trait values do: "SMB" is the segment smb.
  for (const [field, wanted, actual] of checks)
    if (wanted && wanted.length > 0 && !includesTraitValue(wanted, actual))
      return `audience.${field} is [${wanted.join(', ')}]; the account has ${actual ?? 'none'}`;
  return null;
}

/** Whether every field of the condition holds (an empty condition holds). */
export function holds(condition: Condition, facts: RunFacts): boolean {
  if (condition.bandIn && !(facts.band !== null && condition.bandIn.includes(facts.band))) return false;
  if (condition.scoreBelow !== undefined && !(facts.score !== null && facts.score < condition.scoreBelow))
    return false;
  if (
    condition.scoreAtLeast !== undefined &&
    !(facts.score !== null && facts.score >= condition.scoreAtLeast)
  )
    return false;
  if (condition.phaseIn && !(facts.phase !== null && condition.phaseIn.includes(facts.phase))) return false;
  if (condition.eventSeen !== undefined) {
    const at = facts.eventsSeen.get(condition.eventSeen);
    if (at === undefined || Date.parse(at) < Date.parse(facts.runStartedAt)) return false;
  }
  if (condition.taskDone !== undefined && facts.tasks.get(condition.taskDone) !== 'done') return false;
  if (condition.onboardingComplete !== undefined && condition.onboardingComplete !== facts.onboardingComplete)
    return false;
  if (condition.alertResolved !== undefined && condition.alertResolved !== facts.alertResolved) return false;
  return true;
}

/** A number in [0, 100) fixed for one account and one playbook. */
export function holdoutPoint(accountId: string, playbookId: string): number {
  const digest = createHash('sha256').update(`${playbookId}\u0000${accountId}`).digest();
  return (digest.readUInt32BE(0) / 2 ** 32) * 100;
}

/**
 * Whether the account is held out of the playbook: deterministic, so the same account stays in
 * the same group for every run of the playbook, and about `percent` % of accounts are.
 */
export function isHeldOut(accountId: string, playbookId: string, percent: number): boolean {
  return percent > 0 && holdoutPoint(accountId, playbookId) < percent;
}
