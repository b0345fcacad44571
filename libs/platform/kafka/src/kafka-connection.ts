import { Logger } from '@nestjs/common';
import { Kafka, LogEntry, RetryOptions, logLevel } from 'kafkajs';
import { ServiceConfig } from '@tsuzuku/platform-config';

/**
 * The level a kafkajs line is logged at. kafkajs reports every heartbeat answered "the group is
 * rebalancing" as an error, though a rebalance is routine (a replica joins or leaves): those are
 * logged at info, so a rebalance does not bury real errors.
 */
export function kafkaLogLevel(level: logLevel, log: LogEntry['log']): 'error' | 'warn' | 'info' | 'debug' {
  const said = `${String(log.message)} ${typeof log['error'] === 'string' ? log['error'] : ''}`;
  if ((level === logLevel.ERROR || level === logLevel.WARN) && /rebalanc/i.test(said)) return 'info';
  if (level === logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  return 'debug';
}

function logCreator(): (entry: LogEntry) => void {
  const logger = new Logger('kafkajs');
  return ({ level, log }) => {
    const { message, ...rest } = log;
    const line = `${message} ${JSON.stringify(rest)}`;
    const at = kafkaLogLevel(level, log);
    if (at === 'error') logger.error(line);
    else if (at === 'warn') logger.warn(line);
    else if (at === 'info') logger.log(line);
    else logger.debug(line);
  };
}

/** A producer's retries: 200 ms doubling to 5 s between tries, 30 tries, about two minutes in all. */
export const PRODUCER_RETRY = { retries: 30, initialRetryTime: 200, maxRetryTime: 5_000 } as const;

/** The service's kafkajs client, configured once from the service configuration. */
export class KafkaConnection {
  readonly kafka: Kafka;

  constructor(
    readonly config: ServiceConfig,
    readonly clientId: string,
  ) {
    this.kafka = this.client({ initialRetryTime: 300, retries: 8, maxRetryTime: 10_000 });
  }

  /** A client of the service's with the given retries (connections and requests). */
  private client(retry: RetryOptions): Kafka {
    return new Kafka({
      clientId: this.clientId,
      brokers: this.config.KAFKA_BROKERS,
      logLevel: logLevel.WARN,
      logCreator,
      connectionTimeout: 3000,
      retry,
    });
  }

  /**
   * The client of the service's producer: like `kafka`, but its connections and sends are retried
   * for about two minutes (PRODUCER_RETRY), long enough to ride out a broker restart or a leader
   * election. A batch the broker wrote but could not acknowledge before it stopped is then sent
   * again by the same idempotent producer, with the same sequence numbers, and the broker takes it
   * as the copy it has; given up sooner, the caller would count it unsent, and its own retry would
   * write it a second time. kafkajs retries a lost connection with the client's settings, a send
   * with the producer's: both are needed.
   */
  producerClient(): Kafka {
    return this.client(PRODUCER_RETRY);
  }

  /** "Kafka at host:port,host:port", as start-up and reconnect logs name it. */
  get target(): string {
    return `Kafka at ${this.config.KAFKA_BROKERS.join(',')}`;
  }

  /**
   * A client that tries each connection once, for start-up waits: the wait loop retries and logs
   * what it waits for, instead of kafkajs retrying silently for half a minute.
   */
  startupClient(): Kafka {
    return this.failFastClient('startup', { connectionTimeout: 1500 });
  }

  /** A client that fails fast, for readiness probes. */
  probeClient(): Kafka {
    return this.failFastClient('probe', { connectionTimeout: 1000, requestTimeout: 2000 });
  }

  /** A client that logs nothing and retries nothing, named `<clientId>-<suffix>`, within `timeouts`. */
  private failFastClient(
    suffix: string,
    timeouts: { readonly connectionTimeout: number; readonly requestTimeout?: number },
  ): Kafka {
    return new Kafka({
      clientId: `${this.clientId}-${suffix}`,
      brokers: this.config.KAFKA_BROKERS,
      logLevel: logLevel.NOTHING,
      ...timeouts,
      retry: { retries: 0 },
    });
  }
}
