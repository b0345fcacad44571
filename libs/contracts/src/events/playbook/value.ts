/** What starts a playbook run. */
export const PLAYBOOK_TRIGGER_TYPES = [
  'alert_raised',
  'phase_changed',
  'subscription_started',
  'days_before_renewal',
  'schedule',
] as const;
export type PlaybookTriggerType = (typeof PLAYBOOK_TRIGGER_TYPES)[number];

export const PLAYBOOK_STEP_TYPES = ['task', 'email', 'wait', 'branch', 'webhook', 'notify'] as const;
export type PlaybookStepType = (typeof PLAYBOOK_STEP_TYPES)[number];

export const PLAYBOOK_RUN_STATUSES = [
  'running',
  'completed',
  'exited',
  'cancelled',
  'failed',
  'holdout',
] as const;
export type PlaybookRunStatus = (typeof PLAYBOOK_RUN_STATUSES)[number];

export const TASK_STATUSES = ['open', 'done', 'skipped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Fields every playbook event carries: which run of which playbook version. */
interface PlaybookRunRef {
  readonly runId: string;
  readonly playbookId: string;
  readonly playbookName: string;
  readonly version: number;
}

/** playbook.run.started: a run began, or was recorded as holdout (no steps will run). */
export interface PlaybookRunStartedData extends PlaybookRunRef {
  readonly trigger: { readonly type: PlaybookTriggerType; readonly ref: string | null };
  readonly holdout: boolean;
}

/** playbook.step.executed: one step finished (or failed for good) with its outcome. */
export interface PlaybookStepExecutedData extends PlaybookRunRef {
  readonly stepId: string;
  readonly stepType: PlaybookStepType;
  readonly outcome: 'succeeded' | 'failed' | 'skipped' | 'timed_out';
  readonly attempts: number;
  readonly detail: string | null;
}

/** playbook.run.finished: the run ended, and how. */
export interface PlaybookRunFinishedData extends PlaybookRunRef {
  readonly status: Exclude<PlaybookRunStatus, 'running'>;
  readonly reason: string | null;
}

/** task.created, task.updated and task.completed: a CSM task and where it stands. */
export interface TaskEventData {
  readonly taskId: string;
  readonly runId: string | null;
  readonly playbookId: string | null;
  readonly title: string;
  /** Who the task is for (an email); null for nobody. Messages from before carry `assignee`. */
  readonly owner: string | null;
  /**
   * The name `owner` had until spec 22; only in messages from before. Read a message's owner
   * with taskOwnerOf, which takes either.
   */
  readonly assignee?: string | null;
  /** True once a person chose the owner (POST or PATCH /v1/tasks): it no longer follows the account's. */
  readonly ownerSetByHand?: boolean;
  readonly priority: 'low' | 'medium' | 'high' | 'urgent';
  readonly dueAt: string | null;
  readonly status: TaskStatus;
  readonly note: string | null;
  readonly completedAt: string | null;
}

const runRef = {
  runId: { type: 'string', minLength: 1 },
  playbookId: { type: 'string', minLength: 1 },
  playbookName: { type: 'string' },
  version: { type: 'integer', minimum: 1 },
} as const;
const runRefRequired = ['runId', 'playbookId', 'playbookName', 'version'] as const;

export const playbookRunStartedJsonSchema = {
  type: 'object',
  required: [...runRefRequired, 'trigger', 'holdout'],
  properties: {
    ...runRef,
    trigger: {
      type: 'object',
      required: ['type', 'ref'],
      properties: { type: { enum: PLAYBOOK_TRIGGER_TYPES }, ref: { type: ['string', 'null'] } },
    },
    holdout: { type: 'boolean' },
  },
} as const;

export const playbookStepExecutedJsonSchema = {
  type: 'object',
  required: [...runRefRequired, 'stepId', 'stepType', 'outcome', 'attempts', 'detail'],
  properties: {
    ...runRef,
    stepId: { type: 'string', minLength: 1 },
    stepType: { enum: PLAYBOOK_STEP_TYPES },
    outcome: { enum: ['succeeded', 'failed', 'skipped', 'timed_out'] },
    attempts: { type: 'integer', minimum: 0 },
    detail: { type: ['string', 'null'] },
  },
} as const;

export const playbookRunFinishedJsonSchema = {
  type: 'object',
  required: [...runRefRequired, 'status', 'reason'],
  properties: {
    ...runRef,
    status: { enum: PLAYBOOK_RUN_STATUSES.filter((s) => s !== 'running') },
    reason: { type: ['string', 'null'] },
  },
} as const;

export const taskEventJsonSchema = {
  type: 'object',
  required: ['taskId', 'runId', 'playbookId', 'title', 'priority', 'dueAt', 'status', 'note', 'completedAt'],
  properties: {
    taskId: { type: 'string', minLength: 1 },
    runId: { type: ['string', 'null'] },
    playbookId: { type: ['string', 'null'] },
    title: { type: 'string', minLength: 1 },
    owner: { type: ['string', 'null'] },
    assignee: { type: ['string', 'null'] },
    ownerSetByHand: { type: 'boolean' },
    priority: { enum: ['low', 'medium', 'high', 'urgent'] },
    dueAt: { type: ['string', 'null'] },
    status: { enum: TASK_STATUSES },
    note: { type: ['string', 'null'] },
    completedAt: { type: ['string', 'null'] },
  },
  // The owner under its name, or under the name it had before (history on the topic).
  anyOf: [{ required: ['owner'] }, { required: ['assignee'] }],
} as const;

/** The owner a task event names, under its current name or the one it had before (`assignee`). */
export function taskOwnerOf(data: {
  readonly owner?: string | null;
  readonly assignee?: string | null;
}): string | null {
  return data.owner !== undefined ? data.owner : (data.assignee ?? null);
}
