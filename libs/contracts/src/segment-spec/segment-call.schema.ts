/** JSON Schemas of the Segment calls and the customer-success event spec, compiled once by ajv. */

export const SEGMENT_CALL_TYPES = ['track', 'identify', 'group', 'page', 'screen', 'alias'] as const;
export type SegmentCallType = (typeof SEGMENT_CALL_TYPES)[number];

const id = { type: 'string', minLength: 1, maxLength: 200 } as const;
const object = { type: 'object' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

/** Fields every call may carry. */
const common = {
  type: { enum: SEGMENT_CALL_TYPES },
  messageId: id,
  userId: id,
  anonymousId: id,
  properties: object,
  traits: object,
  context: { type: 'object', properties: { groupId: id } },
  integrations: object,
  timestamp: dateTime,
  sentAt: dateTime,
  originalTimestamp: dateTime,
} as const;

/** Per call type, what it requires on top of the common fields. */
export const CALL_REQUIREMENTS: Record<SegmentCallType, object> = {
  track: {
    required: ['event'],
    properties: { event: id, properties: { type: 'object', properties: { groupId: id } } },
  },
  identify: {},
  group: { required: ['groupId'], properties: { groupId: id } },
  page: { properties: { name: { type: 'string' } } },
  screen: { properties: { name: { type: 'string' } } },
  alias: { required: ['previousId'], properties: { previousId: id } },
};

/** The schema of one call type (userId-or-anonymousId is checked in code, for a clearer message). */
export function segmentCallSchema(type: SegmentCallType): object {
  return { type: 'object', properties: common, allOf: [CALL_REQUIREMENTS[type]] };
}

const nonEmpty = { type: 'string', minLength: 1 } as const;
const money = { type: 'number', minimum: 0 } as const;
const subscription = {
  type: 'object',
  required: ['mrr', 'currency', 'subscription_id'],
  properties: {
    mrr: money,
    currency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
    subscription_id: nonEmpty,
    plan: { type: 'string' },
    seats: { type: 'integer', minimum: 0 },
  },
} as const;
const ticket = {
  type: 'object',
  required: ['ticket_id'],
  properties: { ticket_id: nonEmpty, priority: { type: 'string', pattern: '^[Pp][1-4]$' } },
} as const;
const anything = { type: 'object' } as const;

/** The customer-success event spec: the properties each named track event must have. */
export const CS_EVENT_PROPERTIES: Record<string, object> = {
  'Signed In': anything,
  'Survey Responded': {
    type: 'object',
    required: ['survey', 'score'],
    properties: {
      survey: { enum: ['nps', 'csat'] },
      score: { type: 'integer' },
      comment: { type: 'string' },
    },
    if: { properties: { survey: { const: 'nps' } } },
    then: { properties: { score: { minimum: 0, maximum: 10 } } },
    else: { properties: { score: { minimum: 1, maximum: 5 } } },
  },
  'Subscription Started': subscription,
  'Subscription Changed': subscription,
  'Subscription Renewed': subscription,
  'Subscription Cancelled': subscription,
  'Onboarding Step Completed': { type: 'object', required: ['step'], properties: { step: nonEmpty } },
  'Ticket Opened': ticket,
  'Ticket Resolved': ticket,
  'Email Replied': anything,
  'Meeting Held': anything,
  'Webinar Attended': anything,
  'Outcome Reported': {
    type: 'object',
    required: ['metric', 'value'],
    properties: { metric: nonEmpty, value: { type: 'number' } },
  },
};

export const CS_EVENTS: readonly string[] = Object.keys(CS_EVENT_PROPERTIES);

/** Group traits that make the account profile; each optional, typed when present. */
export const ACCOUNT_TRAITS_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    plan: { type: 'string' },
    mrr: money,
    seats: { type: 'integer', minimum: 0 },
    renewal_date: { type: 'string', anyOf: [{ format: 'date' }, { format: 'date-time' }] },
    csm_email: { type: 'string', format: 'email' },
    segment: { type: 'string' },
    industry: { type: 'string' },
    touch_model: { enum: ['high', 'low', 'tech'] },
    phase: { enum: ['onboarding', 'adoption', 'expansion', 'renewal'] },
  },
} as const;
