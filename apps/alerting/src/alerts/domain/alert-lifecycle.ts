import { AlertStatus } from '@tsuzuku/contracts';
import { Evaluation, Evidence } from '../../rules/domain/rule-evaluator';

/** An alert that is not resolved: at most one per account and rule. */
export interface OpenAlertState {
  readonly status: AlertStatus;
  readonly evidence: Evidence;
  readonly snoozedUntil: string | null;
}

/** What an evaluation does to the account's alert of the rule. */
export type AlertDecision =
  | { readonly kind: 'raise' }
  /** The condition holds with new figures: one more occurrence of the same alert. */
  | { readonly kind: 'repeat' }
  | { readonly kind: 'resolve'; readonly reason: string }
  | { readonly kind: 'none'; readonly why: 'unchanged' | 'cooldown' | 'no_data' | 'not_met' };

export interface DecisionInput {
  readonly open: OpenAlertState | null;
  /** When the last alert of this account and rule was resolved, if ever. */
  readonly lastResolvedAt: string | null;
  readonly evaluation: Evaluation;
  readonly cooldownMinutes: number;
  readonly now: Date;
}

/**
 * The alert lifecycle, as a pure decision: a met condition raises an alert unless one is open
 * (then a change of figures counts as a repeat) or the rule's cooldown since the last resolution
 * is running; a condition that no longer holds resolves the open alert; missing data changes
 * nothing.
 */
export function decide(input: DecisionInput): AlertDecision {
  const { open, evaluation } = input;
  if (evaluation.outcome === 'no_data') return { kind: 'none', why: 'no_data' };
  if (evaluation.outcome === 'not_met')
    return open
      ? { kind: 'resolve', reason: `condition cleared: ${evaluation.summary}` }
      : { kind: 'none', why: 'not_met' };
  if (open)
    return sameEvidence(open.evidence, evaluation.evidence)
      ? { kind: 'none', why: 'unchanged' }
      : { kind: 'repeat' };
  if (inCooldown(input.lastResolvedAt, input.cooldownMinutes, input.now))
    return { kind: 'none', why: 'cooldown' };
  return { kind: 'raise' };
}

/** Whether a resolution at `resolvedAt` still holds new alerts back at `now`. */
export function inCooldown(resolvedAt: string | null, cooldownMinutes: number, now: Date): boolean {
  if (resolvedAt === null || cooldownMinutes <= 0) return false;
  return now.getTime() - Date.parse(resolvedAt) < cooldownMinutes * 60_000;
}

/** Whether a snoozed alert is due to be open again. */
export function snoozeOver(alert: OpenAlertState, now: Date): boolean {
  return (
    alert.status === 'snoozed' &&
    alert.snoozedUntil !== null &&
    Date.parse(alert.snoozedUntil) <= now.getTime()
  );
}

export type ManualAction = 'acknowledge' | 'snooze' | 'resolve';

export type Transition =
  { readonly ok: true; readonly to: AlertStatus } | { readonly ok: false; readonly problem: string };

/** What a person may do to an alert in a given status. */
export function manualTransition(status: AlertStatus, action: ManualAction): Transition {
  if (status === 'resolved') return { ok: false, problem: 'the alert is resolved already' };
  switch (action) {
    case 'acknowledge':
      return status === 'acknowledged'
        ? { ok: false, problem: 'the alert is acknowledged already' }
        : { ok: true, to: 'acknowledged' };
    case 'snooze':
      return { ok: true, to: 'snoozed' };
    case 'resolve':
      return { ok: true, to: 'resolved' };
  }
}

/** Evidence compared by value; key order is fixed by the evaluator. */
export function sameEvidence(a: Evidence, b: Evidence): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if ((a[key] ?? null) !== (b[key] ?? null)) return false;
  return true;
}
