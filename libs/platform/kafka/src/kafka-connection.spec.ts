import { logLevel } from 'kafkajs';
import { kafkaLogLevel } from './kafka-connection';

const entry = (message: string, error?: string) => ({
  namespace: 'Connection',
  level: logLevel.ERROR,
  label: 'ERROR',
  log: { timestamp: '2026-12-04T09:00:00.000Z', message, ...(error ? { error } : {}) },
});

describe('kafkaLogLevel', () => {
  it('logs a rebalance at info, whether kafkajs says it in the message or the error', () => {
    const heartbeat = entry(
      'Response Heartbeat(key: 12, version: 3)',
      'The group is rebalancing, so a rejoin is needed',
    );
    expect(kafkaLogLevel(logLevel.ERROR, heartbeat.log)).toBe('info');
    expect(kafkaLogLevel(logLevel.WARN, entry('[Runner] The group is rebalancing, re-joining').log)).toBe(
      'info',
    );
  });

  it('keeps every other error and warning at its level', () => {
    expect(kafkaLogLevel(logLevel.ERROR, entry('Connection error: connect ECONNREFUSED').log)).toBe('error');
    expect(kafkaLogLevel(logLevel.WARN, entry('KafkaJS v2.0.0 switched default partitioner').log)).toBe(
      'warn',
    );
    expect(kafkaLogLevel(logLevel.INFO, entry('Consumer has joined the group').log)).toBe('debug');
  });
});
