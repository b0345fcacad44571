/** The Segment call types Tsuzuku accepts. */
export const CUSTOMER_CALL_TYPES = ['track', 'identify', 'group', 'page', 'screen', 'alias'] as const;
export type CustomerCallType = (typeof CUSTOMER_CALL_TYPES)[number];

/** A customer event as ingestion accepted it: the Segment call, normalised. */
export interface CustomerEventData {
  readonly call: CustomerCallType;
  readonly messageId: string;
  /** track: the event name. */
  readonly event?: string;
  /** page and screen: the page or screen name. */
  readonly name?: string;
  readonly userId: string | null;
  readonly anonymousId: string | null;
  /** group: the account id; alias: the previous id. */
  readonly groupId?: string;
  readonly previousId?: string;
  readonly properties: Record<string, unknown>;
  readonly traits: Record<string, unknown>;
  readonly context: Record<string, unknown>;
  /** Event time after clock-skew correction, ISO-8601 UTC. */
  readonly timestamp: string;
  readonly receivedAt: string;
  readonly sentAt: string | null;
  readonly originalTimestamp: string | null;
  /**
   * True when the event came as history (/v1/import): it builds the past (score history at event
   * time) and no side effect of the present. Absent on live events.
   */
  readonly backfill?: boolean;
}

export const customerEventJsonSchema = {
  type: 'object',
  required: [
    'call',
    'messageId',
    'userId',
    'anonymousId',
    'properties',
    'traits',
    'context',
    'timestamp',
    'receivedAt',
  ],
  properties: {
    call: { enum: CUSTOMER_CALL_TYPES },
    messageId: { type: 'string', minLength: 1, maxLength: 200 },
    event: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    userId: { type: ['string', 'null'] },
    anonymousId: { type: ['string', 'null'] },
    groupId: { type: 'string', minLength: 1 },
    previousId: { type: 'string', minLength: 1 },
    properties: { type: 'object' },
    traits: { type: 'object' },
    context: { type: 'object' },
    timestamp: { type: 'string', format: 'date-time' },
    receivedAt: { type: 'string', format: 'date-time' },
    sentAt: { type: ['string', 'null'] },
    originalTimestamp: { type: ['string', 'null'] },
    backfill: { type: 'boolean' },
  },
} as const;
