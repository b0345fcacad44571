/** What became of a trigger: a run, or why not. */
export const TRIGGER_OUTCOMES = [
  'started',
  'holdout',
  'audience_mismatch',
  'already_running',
  'already_triggered',
  'backfill',
  'too_old',
  'waiting_for_profile',
  'account_churned',
  'playbook_disabled',
] as const;
export type TriggerOutcome = (typeof TRIGGER_OUTCOMES)[number];

/** What the gate knows of a trigger before it looks at the audience. */
export interface GateInput {
  /** Event time of what fired it (the event, the alert, the state). */
  readonly triggeredAt: string;
  /** The message carries history (an import, a state of the past). */
  readonly backfill: boolean;
  /** An account.updated was seen for the account. */
  readonly profiled: boolean;
  /** Since when the trigger waits for the profile (null: it does not wait yet). */
  readonly waitingSince: string | null;
  readonly now: Date;
  readonly horizonMs: number;
  readonly profileWaitMs: number;
}

/** Go on to the audience, park the trigger until the profile is known, or record why nothing starts. */
export type GateVerdict =
  | { readonly kind: 'evaluate'; readonly note: string | null }
  | { readonly kind: 'wait'; readonly until: string }
  | { readonly kind: 'skip'; readonly outcome: 'backfill' | 'too_old'; readonly detail: string };

/**
 * The checks every trigger passes before its audience is looked at: history starts nothing,
 * nor does a trigger older than the horizon; an account not profiled yet waits for its
 * account.updated up to `profileWaitMs`, then is evaluated on what is known.
 */
export function gateTrigger(input: GateInput): GateVerdict {
  if (input.backfill)
    return { kind: 'skip', outcome: 'backfill', detail: 'history (backfill) starts no run' };
  const at = Date.parse(input.triggeredAt);
  const age = input.now.getTime() - at;
  if (!Number.isNaN(at) && age > input.horizonMs)
    return {
      kind: 'skip',
      outcome: 'too_old',
      detail: `triggered at ${input.triggeredAt}, older than the ${Math.round(input.horizonMs / 3_600_000)} h horizon`,
    };
  if (input.profiled) return { kind: 'evaluate', note: null };
  const since = input.waitingSince ?? input.now.toISOString();
  const until = Date.parse(since) + input.profileWaitMs;
  if (input.now.getTime() < until) return { kind: 'wait', until: new Date(until).toISOString() };
  return {
    kind: 'evaluate',
    note: `no profile after ${Math.round(input.profileWaitMs / 1000)} s: evaluated on what is known`,
  };
}
