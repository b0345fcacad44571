/** Names of the Kafka message headers Tsuzuku writes and reads. */
export const Header = {
  /** W3C trace context. */
  TraceParent: 'traceparent',
  TraceState: 'tracestate',
  /** On dead letters of refused input, whose value is not an envelope. */
  WorkspaceId: 'tsuzuku-workspace-id',
  /** Dead-letter headers: why and where a message failed. */
  DeadLetterReason: 'tsuzuku-dlq-reason',
  DeadLetterErrorCode: 'tsuzuku-dlq-error-code',
  DeadLetterOriginTopic: 'tsuzuku-dlq-origin-topic',
  DeadLetterOriginPartition: 'tsuzuku-dlq-origin-partition',
  DeadLetterOriginOffset: 'tsuzuku-dlq-origin-offset',
  DeadLetterConsumerGroup: 'tsuzuku-dlq-consumer-group',
  DeadLetterService: 'tsuzuku-dlq-service',
  DeadLetterAttempts: 'tsuzuku-dlq-attempts',
  DeadLetterFailedAt: 'tsuzuku-dlq-failed-at',
  /** On a dead letter replayed to its origin topic: the dead letter's `<topic>/<partition>@<offset>`. */
  ReplayOf: 'tsuzuku-replay-of',
  ReplayedAt: 'tsuzuku-replayed-at',
} as const;

export type HeaderName = (typeof Header)[keyof typeof Header];
