/** JSON Schemas of the Segment calls and the customer-success event spec, compiled once by ajv. */

export const SEGMENT_CALL_TYPES = ['track', 'identify', 'group', 'page', 'screen', 'alias'] as const;
export type SegmentCallType = (typeof SEGMENT_CALL_TYPES)[number];

/**
 * Largest amount (`mrr`) accepted, in units of its currency: reporting keeps amounts as bigint
 * millionths, whose ceiling is about 9.2e12 units.
 */
export const MAX_AMOUNT = 1_000_000_000_000;
/** Largest count (`seats`) accepted: the consumers store it in a Postgres integer. */
export const MAX_COUNT = 2_147_483_647;
/** Longest identifier or label: consumers use them in keys, indexes and queries. */
export const MAX_ID_LENGTH = 200;

const id = { type: 'string', minLength: 1, maxLength: MAX_ID_LENGTH } as const;
const label = { type: 'string', maxLength: MAX_ID_LENGTH } as const;
const object = { type: 'object' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

/** Fields every call may carry. */
const common = {
  type: { enum: SEGMENT_CALL_TYPES },
  messageId: id,
  userId: id,
  anonymousId: id,
  // Carried into the event as sent on any call type, so held to the rules of the call that needs them.
  event: id,
  groupId: id,
  previousId: id,
  // Any call may name its account in context.groupId or properties.groupId.
  properties: { type: 'object', properties: { groupId: id } },
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
    properties: { event: id },
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

const money = { type: 'number', minimum: 0, maximum: MAX_AMOUNT } as const;
const count = { type: 'integer', minimum: 0, maximum: MAX_COUNT } as const;
const subscription = {
  type: 'object',
  required: ['mrr', 'currency', 'subscription_id'],
  properties: {
    mrr: money,
    currency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
    subscription_id: id,
    plan: label,
    seats: count,
  },
} as const;
const ticket = {
  type: 'object',
  required: ['ticket_id'],
  properties: { ticket_id: id, priority: { type: 'string', pattern: '^[Pp][1-4]$' } },
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
  'Onboarding Step Completed': { type: 'object', required: ['step'], properties: { step: id } },
  'Ticket Opened': ticket,
  'Ticket Resolved': ticket,
  'Email Replied': anything,
  'Meeting Held': anything,
  'Webinar Attended': anything,
  'Outcome Reported': {
    type: 'object',
    required: ['metric', 'value'],
    properties: { metric: id, value: { type: 'number' } },
  },
};

export const CS_EVENTS: readonly string[] = Object.keys(CS_EVENT_PROPERTIES);

/** Group traits that make the account profile; each optional, typed when present. */
export const ACCOUNT_TRAITS_SCHEMA = {
  type: 'object',
  properties: {
    name: label,
    plan: label,
    mrr: money,
    seats: count,
    // A year Postgres and the reports can work with (year 0000 is no date to Postgres).
    renewal_date: {
      type: 'string',
      pattern: '^(19|2[0-9])[0-9][0-9]-',
      anyOf: [{ format: 'date' }, { format: 'date-time' }],
    },
    csm_email: { type: 'string', format: 'email', maxLength: 254 },
    segment: label,
    industry: label,
    touch_model: { enum: ['high', 'low', 'tech'] },
    phase: { enum: ['onboarding', 'adoption', 'expansion', 'renewal'] },
  },
} as const;
