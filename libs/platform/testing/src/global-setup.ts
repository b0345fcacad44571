import { startTestInfrastructure } from './test-infrastructure';

/** Jest global setup: finds or starts Kafka and Postgres once, and hands them to every test worker. */
export default async function globalSetup(): Promise<void> {
  const infra = await startTestInfrastructure();
  process.env['KAFKA_BROKERS'] = infra.brokers.join(',');
  process.env['DATABASE_URL'] = infra.databaseUrl;
  (globalThis as { __tsuzukuInfra?: typeof infra }).__tsuzukuInfra = infra;
  process.stderr.write(`\n[tests] Kafka ${infra.brokers.join(',')} and Postgres from ${infra.source}\n`);
}
