/**
 * The conditions alerting watches; expansion_signal is the positive one. churn_risk_above reads
 * account.updated's churnRisk (the workspace churn model's probability).
 */
export const ALERT_RULE_TYPES = [
  'score_below',
  'score_drop',
  'inactivity',
  'usage_drop',
  'nps_detractor',
  'ticket_spike',
  'renewal_risk',
  'onboarding_stalled',
  'expansion_signal',
  'churn_risk_above',
] as const;
export type AlertRuleType = (typeof ALERT_RULE_TYPES)[number];

/** From least to most urgent. */
export const ALERT_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const ALERT_STATUSES = ['open', 'acknowledged', 'snoozed', 'resolved'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** How an alert was resolved: its condition cleared, or a person closed it. */
export interface AlertResolution {
  readonly kind: 'auto' | 'manual';
  readonly reason: string;
  readonly by: string | null;
  readonly note: string | null;
}

/**
 * alert.raised, alert.updated and alert.resolved on cs.alerts.v1: the alert as it stands after
 * the change. alert.updated covers a repeat of the condition and every manual transition
 * (acknowledged, snoozed); `change` says which.
 */
export interface AlertEventData {
  readonly alertId: string;
  readonly ruleId: string;
  readonly ruleType: AlertRuleType;
  readonly ruleName: string;
  readonly severity: AlertSeverity;
  readonly status: AlertStatus;
  /** True for positive signals (expansion), false for risks. */
  readonly positive: boolean;
  readonly owner: string | null;
  /**
   * The account's segment when the rule judged it (what playbooks and channels select by
   * `segments`). Absent from messages written before it existed: read it as unknown.
   */
  readonly segment?: string | null;
  readonly title: string;
  /** The figures that met the condition, by name (score, days_since_last_sign_in, ...). */
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly occurrences: number;
  readonly openedAt: string;
  readonly lastSeenAt: string;
  readonly resolvedAt: string | null;
  readonly resolution: AlertResolution | null;
  readonly change:
    'raised' | 'repeated' | 'acknowledged' | 'snoozed' | 'reopened' | 'reassigned' | 'resolved';
}

export const alertEventJsonSchema = {
  type: 'object',
  required: [
    'alertId',
    'ruleId',
    'ruleType',
    'ruleName',
    'severity',
    'status',
    'positive',
    'owner',
    'title',
    'evidence',
    'occurrences',
    'openedAt',
    'lastSeenAt',
    'resolvedAt',
    'resolution',
    'change',
  ],
  properties: {
    alertId: { type: 'string', minLength: 1 },
    ruleId: { type: 'string', minLength: 1 },
    ruleType: { enum: ALERT_RULE_TYPES },
    ruleName: { type: 'string' },
    severity: { enum: ALERT_SEVERITIES },
    status: { enum: ALERT_STATUSES },
    positive: { type: 'boolean' },
    owner: { type: ['string', 'null'] },
    segment: { type: ['string', 'null'] },
    title: { type: 'string' },
    evidence: { type: 'object' },
    occurrences: { type: 'integer', minimum: 1 },
    openedAt: { type: 'string', format: 'date-time' },
    lastSeenAt: { type: 'string', format: 'date-time' },
    resolvedAt: { anyOf: [{ type: 'null' }, { type: 'string', format: 'date-time' }] },
    resolution: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['kind', 'reason', 'by', 'note'],
          properties: {
            kind: { enum: ['auto', 'manual'] },
            reason: { type: 'string' },
            by: { type: ['string', 'null'] },
            note: { type: ['string', 'null'] },
          },
        },
      ],
    },
    change: { enum: ['raised', 'repeated', 'acknowledged', 'snoozed', 'reopened', 'reassigned', 'resolved'] },
  },
} as const;
