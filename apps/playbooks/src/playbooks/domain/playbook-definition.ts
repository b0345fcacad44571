import type {
  AlertRuleType,
  HealthBand,
  LifecyclePhase,
  PlaybookStepType,
  PlaybookTriggerType,
  TouchModel,
} from '@tsuzuku/contracts';

/** A duration: ISO-8601 (`P7D`, `PT3S`, `P1DT12H`) or its parts (`{ days: 7 }`, `{ seconds: 3 }`). */
export type Duration =
  | string
  | {
      readonly days?: number;
      readonly hours?: number;
      readonly minutes?: number;
      readonly seconds?: number;
    };

/** What starts a run. */
export type Trigger =
  /** An alert of a rule type and/or of rules by id (at least one), optionally for some segments. */
  | {
      readonly type: 'alert_raised';
      readonly ruleType?: AlertRuleType;
      readonly ruleIds?: readonly string[];
      readonly segments?: readonly string[];
    }
  | { readonly type: 'phase_changed'; readonly to: LifecyclePhase }
  | { readonly type: 'subscription_started' }
  | { readonly type: 'days_before_renewal'; readonly days: number }
  /** `every`: an interval (`90d`, `12h`, `30m`) or a five-field cron expression (UTC). */
  | { readonly type: 'schedule'; readonly every: string };

/** Which accounts a playbook is for; an empty or absent list means any. */
export interface Audience {
  readonly segments?: readonly string[];
  readonly touchModels?: readonly TouchModel[];
  readonly phases?: readonly LifecyclePhase[];
  readonly bands?: readonly HealthBand[];
}

/** A condition on the account and the run: every field given must hold. */
export interface Condition {
  readonly bandIn?: readonly HealthBand[];
  readonly scoreBelow?: number;
  readonly scoreAtLeast?: number;
  readonly phaseIn?: readonly LifecyclePhase[];
  /** A track event of this name was seen for the account since the run started. */
  readonly eventSeen?: string;
  /** The task created by this step of the run is done. */
  readonly taskDone?: string;
  /** The account has completed onboarding (true) or not yet (false). */
  readonly onboardingComplete?: boolean;
  /** The alert that started the run has been resolved. */
  readonly alertResolved?: boolean;
}

export const TASK_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/** Where a branch goes: a later step's id, or `end`. */
export type StepRef = string;
export const END = 'end';

export interface TaskStep {
  readonly id: string;
  readonly type: 'task';
  readonly title: string;
  readonly description?: string;
  readonly dueIn?: Duration;
  readonly dueInDays?: number;
  readonly priority?: TaskPriority;
  /**
   * `account` (default): the account's owner, else the alert's, else the workspace's fallback
   * owner; `manager`; or an email.
   */
  readonly owner?: string;
  /** The name `owner` had before (its value `owner` meaning `account`); still accepted. */
  readonly assignee?: string;
}

export interface EmailStep {
  readonly id: string;
  readonly type: 'email';
  /** Templates with {{account.name}}, {{contact.email}}, ... */
  readonly subject: string;
  readonly body: string;
}

export interface WaitStep {
  readonly id: string;
  readonly type: 'wait';
  /** Wait this long ... */
  readonly duration?: Duration;
  /** ... or until this condition holds, at most `timeout`. */
  readonly until?: Condition;
  readonly timeout?: Duration;
}

export interface BranchStep {
  readonly id: string;
  readonly type: 'branch';
  readonly if: Condition;
  /** Absent: the next step. */
  readonly then?: StepRef;
  readonly else?: StepRef;
}

export interface WebhookStep {
  readonly id: string;
  readonly type: 'webhook';
  readonly url: string;
  /** Signing secrets, the current one first (two while rotating). */
  readonly secrets: readonly string[];
}

export interface NotifyStep {
  readonly id: string;
  readonly type: 'notify';
  /** A Slack-compatible incoming webhook: receives `{ "text": ... }`. */
  readonly url: string;
  readonly text: string;
}

export type Step = TaskStep | EmailStep | WaitStep | BranchStep | WebhookStep | NotifyStep;
/** Steps that act on the world (the engine executes them); wait and branch are decided alone. */
export type EffectStep = TaskStep | EmailStep | WebhookStep | NotifyStep;

export function isEffectStep(step: Step): step is EffectStep {
  return step.type !== 'wait' && step.type !== 'branch';
}

/** A playbook as its author writes it (POST/PUT /v1/playbooks). */
export interface PlaybookDefinition {
  readonly name: string;
  readonly description: string | null;
  readonly enabled: boolean;
  readonly trigger: Trigger;
  readonly audience: Audience;
  readonly steps: readonly Step[];
  /** The run ends as `exited` as soon as any of these holds. */
  readonly exit: readonly Condition[];
  /** Share of matching accounts (0-100) recorded as holdout: a run without steps. */
  readonly holdoutPercent: number;
}

export type { PlaybookStepType, PlaybookTriggerType };
