/** Where an account stands in its life as a customer. */
export const LIFECYCLE_PHASES = ['onboarding', 'adoption', 'expansion', 'renewal'] as const;
export type LifecyclePhase = (typeof LIFECYCLE_PHASES)[number];

/** How much human attention the account gets. */
export const TOUCH_MODELS = ['high', 'low', 'tech'] as const;
export type TouchModel = (typeof TOUCH_MODELS)[number];

export const HEALTH_BANDS = ['red', 'yellow', 'green'] as const;
export type HealthBand = (typeof HEALTH_BANDS)[number];

/** A manual score set by a person, shown beside the computed one until it expires. */
export interface HealthOverride {
  readonly score: number;
  readonly reason: string;
  readonly author: string;
  readonly expiresAt: string | null;
}

/** An account's health as the other services see it. */
export interface AccountHealth {
  /** The score in effect: the override when one is active, else the computed score. */
  readonly score: number | null;
  readonly band: HealthBand | null;
  /** What the scorecard computed, whatever the override says. */
  readonly computedScore: number | null;
  /** Share of the scorecard's weight that had data, 0-1. */
  readonly coverage: number;
  readonly scorecardId: string | null;
  readonly override: HealthOverride | null;
}

/**
 * When a state stands for, and whether it is of the past. A consumer acts (alerts, cooldowns,
 * playbook runs, tasks) only on `backfill: false`; a past state only fills history. Messages
 * written before these fields existed carry neither: read absent `backfill` as false and absent
 * `asOf` as the envelope's occurredAt.
 */
export interface StateTime {
  /** The moment the state stands for (ISO date-time): the end of a past day, or now. */
  readonly asOf?: string;
  /** True when the state is of the past (rebuilt from imported or older-than-horizon events). */
  readonly backfill?: boolean;
}

/** account.health.changed on cs.health.v1: the score or the band moved, with why. */
export interface AccountHealthChangedData extends StateTime {
  readonly previous: AccountHealth | null;
  readonly current: AccountHealth;
  /** What moved it: an event name, "sweep", "scorecard changed", "override set", ... */
  readonly reason: string;
  /** The measures whose points changed most, biggest first. */
  readonly movers: readonly {
    readonly measureId: string;
    readonly label: string;
    readonly pointsChange: number;
  }[];
}

/**
 * The figures behind an account's health as of its last scoring, for the services that act on
 * them (alerting, playbooks) without reading health-scoring's tables.
 */
export interface AccountSignals {
  /** When these figures were computed. */
  readonly asOf: string;
  /** Every metric of the scorecard catalogue by name (active_users_ratio_30d, ...); null = no data. */
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly lastSignInAt: string | null;
  /** Distinct active users in the 7 days ending at asOf, and in the 7 days before those. */
  readonly activeUsers7d: number;
  readonly activeUsersPrev7d: number;
  readonly activeUsers30d: number;
  /** Events in the 7 days ending at asOf, and in the 7 days before those. */
  readonly events7d: number;
  readonly eventsPrev7d: number;
  /** Tickets opened per day (by event time) over the 30 days ending at asOf; days without any left out. */
  readonly ticketDays: readonly { readonly day: string; readonly opened: number; readonly p1: number }[];
  readonly latestNps: number | null;
  /**
   * Event time at which the account had completed every onboarding milestone of its workspace
   * (the time of the step event that completed the set); null while onboarding is incomplete.
   */
  readonly onboardingCompletedAt: string | null;
}

/**
 * Whether the account has a subscription in force: `active` while some subscription's latest
 * event (by event time) is Started, Changed or Renewed, whatever its MRR (a free trial at 0 is
 * active); `ended` once every subscription's latest event is Subscription Cancelled; `none` when
 * no subscription event was ever seen.
 */
export const SUBSCRIPTION_STATUSES = ['active', 'ended', 'none'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** A feature's signed part in a churn probability: for the linear model, coefficient × standardised value. */
export interface ChurnRiskContribution {
  /** The feature's name (a metric, `<metric>:change_30d`, or a contract or support signal). */
  readonly feature: string;
  readonly label: string;
  /** The account's raw value of the feature; null when it had none (the mean was used). */
  readonly value: number | null;
  /** Its signed share of the log-odds: positive raises the churn probability. */
  readonly contribution: number;
}

/**
 * The workspace churn model's prediction for the account: the probability that it churns within
 * `horizonDays`, from the model trained at `trainedAt` on data from before `cutoff` only.
 */
export interface ChurnRisk {
  readonly probability: number;
  readonly horizonDays: number;
  readonly modelId: string;
  readonly trainedAt: string;
  readonly cutoff: string;
  /** The biggest contributions by absolute size, biggest first. */
  readonly contributions: readonly ChurnRiskContribution[];
}

/** account.updated on cs.accounts.v1 (compacted): each account's latest profile and health. */
export interface AccountUpdatedData extends StateTime {
  readonly name: string | null;
  readonly plan: string | null;
  readonly mrr: number | null;
  /** Absent from messages written before it existed (then the MRR decides churn, see isChurnedAccount). */
  readonly subscriptionStatus?: SubscriptionStatus;
  readonly seats: number | null;
  readonly renewalDate: string | null;
  /**
   * The account's owner (its CSM's email), set by the accounts API or a group call's csm_email
   * trait, the latest by event time. Messages written before it existed carry `csmEmail`
   * instead: read both through accountOwnerOf.
   */
  readonly owner?: string | null;
  /** @deprecated the name `owner` had before; only in messages written before the rename. */
  readonly csmEmail?: string | null;
  readonly segment: string | null;
  readonly industry: string | null;
  readonly phase: LifecyclePhase;
  readonly touchModel: TouchModel;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string | null;
  readonly health: AccountHealth;
  readonly signals: AccountSignals;
  /**
   * The churn model's prediction: null when the workspace has no model (too little history) or the
   * account has no prediction yet; absent from messages written before it existed (read as null).
   */
  readonly churnRisk?: ChurnRisk | null;
}

/** The account's owner an account.updated names, under its current or its former field name. */
export function accountOwnerOf(data: Pick<AccountUpdatedData, 'owner' | 'csmEmail'>): string | null {
  return data.owner !== undefined ? data.owner : (data.csmEmail ?? null);
}

const nullableString = { type: ['string', 'null'] } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const stateTimeProperties = {
  asOf: { type: 'string', format: 'date-time' },
  backfill: { type: 'boolean' },
} as const;

const healthSchema = {
  type: 'object',
  required: ['score', 'band', 'computedScore', 'coverage', 'scorecardId', 'override'],
  properties: {
    score: { type: ['number', 'null'], minimum: 0, maximum: 100 },
    band: { enum: [...HEALTH_BANDS, null] },
    computedScore: { type: ['number', 'null'], minimum: 0, maximum: 100 },
    coverage: { type: 'number', minimum: 0, maximum: 1 },
    scorecardId: nullableString,
    override: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['score', 'reason', 'author', 'expiresAt'],
          properties: {
            score: { type: 'number', minimum: 0, maximum: 100 },
            reason: { type: 'string', minLength: 1 },
            author: { type: 'string', minLength: 1 },
            expiresAt: nullableString,
          },
        },
      ],
    },
  },
} as const;

export const accountHealthChangedJsonSchema = {
  type: 'object',
  required: ['previous', 'current', 'reason', 'movers'],
  properties: {
    ...stateTimeProperties,
    previous: { anyOf: [{ type: 'null' }, healthSchema] },
    current: healthSchema,
    reason: { type: 'string', minLength: 1 },
    movers: {
      type: 'array',
      items: {
        type: 'object',
        required: ['measureId', 'label', 'pointsChange'],
        properties: {
          measureId: { type: 'string' },
          label: { type: 'string' },
          pointsChange: { type: 'number' },
        },
      },
    },
  },
} as const;

export const accountUpdatedJsonSchema = {
  type: 'object',
  // The owner under its name, or under the one it had before (messages of the history).
  anyOf: [{ required: ['owner'] }, { required: ['csmEmail'] }],
  required: [
    'name',
    'plan',
    'mrr',
    'seats',
    'renewalDate',
    'segment',
    'industry',
    'phase',
    'touchModel',
    'firstSeenAt',
    'lastSeenAt',
    'health',
    'signals',
  ],
  properties: {
    ...stateTimeProperties,
    name: nullableString,
    plan: nullableString,
    mrr: nullableNumber,
    subscriptionStatus: { enum: SUBSCRIPTION_STATUSES },
    seats: nullableNumber,
    renewalDate: nullableString,
    owner: nullableString,
    csmEmail: nullableString,
    segment: nullableString,
    industry: nullableString,
    phase: { enum: LIFECYCLE_PHASES },
    touchModel: { enum: TOUCH_MODELS },
    firstSeenAt: { type: 'string' },
    lastSeenAt: nullableString,
    health: healthSchema,
    churnRisk: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['probability', 'horizonDays', 'modelId', 'trainedAt', 'cutoff', 'contributions'],
          properties: {
            probability: { type: 'number', minimum: 0, maximum: 1 },
            horizonDays: { type: 'integer', minimum: 1 },
            modelId: { type: 'string', minLength: 1 },
            trainedAt: { type: 'string', format: 'date-time' },
            cutoff: { type: 'string' },
            contributions: {
              type: 'array',
              items: {
                type: 'object',
                required: ['feature', 'label', 'value', 'contribution'],
                properties: {
                  feature: { type: 'string', minLength: 1 },
                  label: { type: 'string' },
                  value: nullableNumber,
                  contribution: { type: 'number' },
                },
              },
            },
          },
        },
      ],
    },
    signals: {
      type: 'object',
      required: [
        'asOf',
        'metrics',
        'lastSignInAt',
        'activeUsers7d',
        'activeUsersPrev7d',
        'activeUsers30d',
        'events7d',
        'eventsPrev7d',
        'ticketDays',
        'latestNps',
        'onboardingCompletedAt',
      ],
      properties: {
        asOf: { type: 'string' },
        metrics: { type: 'object', additionalProperties: { type: ['number', 'null'] } },
        lastSignInAt: nullableString,
        activeUsers7d: { type: 'integer', minimum: 0 },
        activeUsersPrev7d: { type: 'integer', minimum: 0 },
        activeUsers30d: { type: 'integer', minimum: 0 },
        events7d: { type: 'integer', minimum: 0 },
        eventsPrev7d: { type: 'integer', minimum: 0 },
        ticketDays: {
          type: 'array',
          items: {
            type: 'object',
            required: ['day', 'opened', 'p1'],
            properties: {
              day: { type: 'string' },
              opened: { type: 'integer', minimum: 0 },
              p1: { type: 'integer', minimum: 0 },
            },
          },
        },
        latestNps: nullableNumber,
        onboardingCompletedAt: nullableString,
      },
    },
  },
} as const;
