import { ServiceConfig, loadConfig } from '@tsuzuku/platform-config';
import { KafkaConnection, TopicProvisioner } from '@tsuzuku/platform-kafka';
import { startTestInfrastructure } from './test-infrastructure';

/**
 * Jest global setup: finds or starts Kafka and Postgres once, and hands them to every test
 * worker. The broker gets every declared topic before the first suite, as the services give a
 * cluster they start on: a suite that reads a topic before its service has started (a test
 * reader takes the end offsets first) would otherwise meet a topic that does not exist yet on a
 * fresh broker.
 */
export default async function globalSetup(): Promise<void> {
  const infra = await startTestInfrastructure();
  process.env['KAFKA_BROKERS'] = infra.brokers.join(',');
  process.env['DATABASE_URL'] = infra.databaseUrl;
  (globalThis as { __tsuzukuInfra?: typeof infra }).__tsuzukuInfra = infra;
  const config = loadConfig(ServiceConfig, { KAFKA_BROKERS: process.env['KAFKA_BROKERS'] });
  const { created } = await new TopicProvisioner(
    new KafkaConnection(config, 'tsuzuku-test-setup'),
    config,
  ).provision();
  process.stderr.write(
    `\n[tests] Kafka ${infra.brokers.join(',')} and Postgres from ${infra.source}` +
      (created.length > 0 ? `; created topics ${created.join(', ')}` : '') +
      '\n',
  );
}
