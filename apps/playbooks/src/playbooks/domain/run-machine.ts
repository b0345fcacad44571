import { RunFacts, holds } from './conditions';
import { durationMs } from './duration';
import { END, EffectStep, PlaybookDefinition, Step, StepRef, isEffectStep } from './playbook-definition';

/** Where a running run stands: the step it is at (null: past the last one), and its wait. */
export interface RunPosition {
  readonly stepId: string | null;
  /** When the wait step it is at began, null when it is not waiting. */
  readonly waitStartedAt: string | null;
}

/** What the run does next, decided from its definition, position and facts alone. */
export type Decision =
  /** An exit condition holds: the run ends as exited. */
  | { readonly kind: 'exit'; readonly reason: string }
  /** No step left: the run is completed. */
  | { readonly kind: 'complete' }
  /** An effect step to execute; then `afterStep` moves on. */
  | { readonly kind: 'execute'; readonly step: EffectStep; readonly next: string | null }
  /** A wait begins now; its deadline, or null when only an event or a task can end it. */
  | { readonly kind: 'wait_started'; readonly stepId: string; readonly dueAt: string | null }
  /** Still waiting: look again at `dueAt` (or when something about the account changes). */
  | { readonly kind: 'waiting'; readonly stepId: string; readonly dueAt: string | null }
  /** The wait is over: its condition held or its time came (succeeded), or it timed out. */
  | {
      readonly kind: 'wait_over';
      readonly stepId: string;
      readonly outcome: 'succeeded' | 'timed_out';
      readonly next: string | null;
    }
  /** A branch chose its way. */
  | {
      readonly kind: 'branched';
      readonly stepId: string;
      readonly taken: 'then' | 'else';
      readonly next: string | null;
    };

const iso = (ms: number) => new Date(ms).toISOString();

/** The step after `stepId` in list order, null after the last. */
export function stepAfter(definition: PlaybookDefinition, stepId: string): string | null {
  const index = definition.steps.findIndex((s) => s.id === stepId);
  return definition.steps[index + 1]?.id ?? null;
}

/** Where a branch reference leads: `end` is null, absent is the next step. */
export function resolveRef(
  definition: PlaybookDefinition,
  ref: StepRef | undefined,
  from: string,
): string | null {
  if (ref === undefined) return stepAfter(definition, from);
  return ref === END ? null : ref;
}

/** The first position of a new run. */
export function startPosition(definition: PlaybookDefinition): RunPosition {
  return { stepId: definition.steps[0]?.id ?? null, waitStartedAt: null };
}

/**
 * The run state machine: exit conditions first, then the step the run is at. Pure: the engine
 * executes effect steps, records every decision and calls again until the run waits or ends.
 */
export function decide(
  definition: PlaybookDefinition,
  position: RunPosition,
  facts: RunFacts,
  now: Date,
): Decision {
  if (position.stepId === null) return { kind: 'complete' };
  const exitIndex = definition.exit.findIndex((c) => holds(c, facts));
  if (exitIndex >= 0) return { kind: 'exit', reason: `exit condition ${exitIndex + 1} met` };
  const step: Step | undefined = definition.steps.find((s) => s.id === position.stepId);
  if (!step) return { kind: 'exit', reason: `step ${position.stepId} is not in the playbook version` };
  if (isEffectStep(step)) return { kind: 'execute', step, next: stepAfter(definition, step.id) };
  if (step.type === 'branch') {
    const taken = holds(step.if, facts) ? 'then' : 'else';
    return { kind: 'branched', stepId: step.id, taken, next: resolveRef(definition, step[taken], step.id) };
  }
  // A wait: for a duration, or until a condition with an optional timeout.
  const next = stepAfter(definition, step.id);
  const span =
    step.duration !== undefined
      ? durationMs(step.duration)
      : step.timeout !== undefined
        ? durationMs(step.timeout)
        : null;
  if (position.waitStartedAt === null) {
    if (step.until && holds(step.until, facts))
      return { kind: 'wait_over', stepId: step.id, outcome: 'succeeded', next };
    if (span === 0)
      return { kind: 'wait_over', stepId: step.id, outcome: step.until ? 'timed_out' : 'succeeded', next };
    return { kind: 'wait_started', stepId: step.id, dueAt: span === null ? null : iso(now.getTime() + span) };
  }
  if (step.until && holds(step.until, facts))
    return { kind: 'wait_over', stepId: step.id, outcome: 'succeeded', next };
  if (span !== null) {
    const dueAt = Date.parse(position.waitStartedAt) + span;
    if (now.getTime() >= dueAt)
      return { kind: 'wait_over', stepId: step.id, outcome: step.until ? 'timed_out' : 'succeeded', next };
    return { kind: 'waiting', stepId: step.id, dueAt: iso(dueAt) };
  }
  return { kind: 'waiting', stepId: step.id, dueAt: null };
}

/** The position after a decision that moves the run (everything but exit, complete and waiting). */
export function positionAfter(position: RunPosition, decision: Decision, now: Date): RunPosition {
  switch (decision.kind) {
    case 'execute':
    case 'wait_over':
    case 'branched':
      return { stepId: decision.next, waitStartedAt: null };
    case 'wait_started':
      return { stepId: decision.stepId, waitStartedAt: now.toISOString() };
    default:
      return position;
  }
}

/** One step the dry run predicts, in order. */
export interface PredictedStep {
  readonly stepId: string;
  readonly type: Step['type'];
  readonly summary: string;
}

/**
 * What a run would do for an account as it stands now, without doing it: every wait is assumed
 * to run its course (a condition wait ends as it would now: met, or timed out), branches are
 * decided on the current facts, and an exit condition that holds now ends the walk.
 */
export function predictRun(
  definition: PlaybookDefinition,
  facts: RunFacts,
): {
  readonly steps: readonly PredictedStep[];
  readonly ending: 'completed' | 'exited';
  readonly reason: string | null;
} {
  const steps: PredictedStep[] = [];
  const exitIndex = definition.exit.findIndex((c) => holds(c, facts));
  if (exitIndex >= 0) return { steps, ending: 'exited', reason: `exit condition ${exitIndex + 1} holds now` };
  let current: string | null = definition.steps[0]?.id ?? null;
  // Branches only jump forward, so each step is visited at most once.
  while (current !== null) {
    const step = definition.steps.find((s) => s.id === current);
    if (!step) break;
    let next = stepAfter(definition, step.id);
    let summary: string;
    switch (step.type) {
      case 'task':
        summary = `create task "${step.title}" (${step.priority ?? 'medium'}) for ${step.owner ?? step.assignee ?? 'account'}`;
        break;
      case 'email':
        summary = `email the contact: "${step.subject}"`;
        break;
      case 'webhook':
        summary = `POST a signed webhook to ${step.url}`;
        break;
      case 'notify':
        summary = `notify ${step.url}`;
        break;
      case 'wait': {
        const met = step.until ? holds(step.until, facts) : false;
        summary =
          step.duration !== undefined
            ? `wait ${JSON.stringify(step.duration)}`
            : met
              ? 'wait: the condition holds already, go on'
              : step.timeout !== undefined
                ? `wait for the condition, at most ${JSON.stringify(step.timeout)}`
                : 'wait for the condition (no timeout)';
        break;
      }
      case 'branch': {
        const taken = holds(step.if, facts) ? 'then' : 'else';
        next = resolveRef(definition, step[taken], step.id);
        summary = `branch: ${taken} → ${next ?? END}`;
        break;
      }
    }
    steps.push({ stepId: step.id, type: step.type, summary });
    current = next;
  }
  return { steps, ending: 'completed', reason: null };
}
