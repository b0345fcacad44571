import { ChaosResult, chaosTable, runChaos } from '@tsuzuku/platform-testing';

/**
 * The short scenario of the chaos suite (`npm run chaos` runs the long one): a small seeded
 * history through the Segment SDK into the five built services, two replicas of each consuming
 * one, on a private Kafka and a private Postgres, while one service is SIGKILLed mid-batch, every
 * database connection is cut and the broker is restarted. Nothing may be lost, doubled or left
 * dead, and the outcome must equal the ground truth and a clean single-replica run.
 */
describe('the chaos suite, short scenario', () => {
  // Private ports next to the shared broker's (its port + 100 .. + 103), so two checkouts with
  // their own brokers do not collide.
  const shared = Number(new URL(`kafka://${process.env['KAFKA_BROKERS']!.split(',')[0]}`).port || 9092);
  let result: ChaosResult;

  beforeAll(async () => {
    result = await runChaos({
      accounts: 6,
      seed: 11,
      faults: [
        { kind: 'kill', service: 'health-scoring' },
        { kind: 'cut-connections' },
        { kind: 'restart-kafka' },
      ],
      kafkaPort: shared + 100,
      ingestionPort: shared + 102,
      postgresPort: shared + 103,
      compareWithCleanRun: true,
      catchUpTimeoutMs: 300_000,
      log: (line) => process.stderr.write(`[chaos] ${line}\n`),
    });
    process.stderr.write(`\n${chaosTable(result)}\n`);
  }, 900_000);

  it('loses nothing, doubles nothing, and no process dies', () => {
    expect(result.sent).toBeGreaterThan(0);
    expect({ lost: result.lost, doubled: result.doubled, died: result.died, deaths: result.deaths }).toEqual({
      lost: 0,
      doubled: 0,
      died: 0,
      deaths: [],
    });
    expect(result.acknowledged).toBe(result.sent);
    expect(result.onTopic).toBe(result.sent);
  });

  it('ends with the outcome of the ground truth and of a clean run', () => {
    expect(result.checks.filter((c) => c.wrong > 0 && !c.informational)).toEqual([]);
    expect(result.checks.length).toBeGreaterThan(10);
  });
});
