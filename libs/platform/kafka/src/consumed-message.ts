/** A Kafka message as a handler sees it. */
export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
  /** Broker timestamp, ms since epoch. */
  readonly timestamp: number;
  /** 1 on the first try. */
  readonly attempt: number;
}
