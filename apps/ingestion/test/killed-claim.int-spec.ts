import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { Topic } from '@tsuzuku/contracts';
import {
  BuiltService,
  TestDatabase,
  TopicReader,
  createTestDatabase,
  startBuiltService,
  waitFor,
} from '@tsuzuku/platform-testing';
import { eventId } from '../src/collect/domain/event-identity';
import { ADMIN_TOKEN, createWorkspace, post, readPastMarkers } from './ingestion-harness';

/** The advisory lock the test holds to stop a claim's commit where it clears its pending sends. */
const HOLD = 4242;

/**
 * An ingestion process SIGKILLed after Kafka acknowledged an event and before its claim
 * committed (the claim's commit is held by a trigger the test installs, then its session is
 * ended as Postgres ends a dead client's): the retry of the same messageId, on the restarted
 * process, is acknowledged as a duplicate and the event stays on the topic once.
 */
describe('ingestion: a process killed between the acknowledgement and the commit', () => {
  let db: TestDatabase;
  let holder: Client;
  let reader: TopicReader;
  let service: BuiltService | undefined;
  const env = () => ({ DATABASE_URL: db.url, TSUZUKU_ADMIN_TOKEN: ADMIN_TOKEN });

  beforeAll(async () => {
    db = await createTestDatabase('ingestion_killed_claim');
    holder = new Client({ connectionString: db.url });
    await holder.connect();
    reader = await new TopicReader(process.env['KAFKA_BROKERS']!.split(',')).start([Topic.Events]);
  });

  afterAll(async () => {
    if (service && service.process.exitCode === null && service.process.signalCode === null)
      await service.stop();
    await reader?.stop();
    await holder?.end();
    await db?.drop();
  });

  it('does not publish the event again on the retry', async () => {
    service = await startBuiltService('ingestion', env(), 180_000);
    const ws = await createWorkspace(service.url, 'killed-claim');
    await db.query(`
      CREATE FUNCTION ingestion.test_hold_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock(${HOLD}); RETURN OLD; END $$`);
    await db.query(`
      CREATE TRIGGER test_hold_commit BEFORE DELETE ON ingestion.pending_sends
      FOR EACH ROW EXECUTE FUNCTION ingestion.test_hold_commit()`);
    await holder.query('SELECT pg_advisory_lock($1)', [HOLD]);

    const messageId = randomUUID();
    const batch = {
      batch: [
        {
          type: 'track',
          userId: 'u-killed',
          event: 'Feature Used',
          messageId,
          context: { groupId: 'acc-killed' },
        },
      ],
    };
    const copies = () =>
      reader.messages.filter(
        (m) => (JSON.parse(m.value!) as { data: { messageId: string } }).data.messageId === messageId,
      );
    // Kafka acknowledged (the client has its answer, the event is on the topic); the claim's
    // commit waits on the lock.
    // A fresh instance answers once it has read the write key.
    const accepted = (url: string) =>
      waitFor(
        async () => {
          const answer = await post(url, '/v1/batch', batch, { writeKey: ws.writeKey });
          return answer.status === 200 ? answer : undefined;
        },
        { what: `${url} to take the batch` },
      );
    const first = await accepted(service.url);
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
    const [sent] = await waitFor(() => (copies().length > 0 ? copies() : undefined), {
      what: 'the event on the topic',
    });
    const [held] = await waitFor(
      async () => {
        const rows = await db.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%pending_sends%'`,
        );
        return rows.length > 0 ? rows : undefined;
      },
      { what: "the claim's commit to wait on the lock" },
    );

    const killed = service;
    killed.process.kill('SIGKILL');
    await new Promise((resolve) => killed.process.once('exit', resolve));
    // As Postgres ends the session of a client that is gone: the claim rolls back.
    await db.query('SELECT pg_terminate_backend($1)', [held!.pid]);
    await holder.query('SELECT pg_advisory_unlock($1)', [HOLD]);
    await db.query('DROP TRIGGER test_hold_commit ON ingestion.pending_sends');
    const id = eventId(ws.id, messageId);
    const rows = async () => [
      (await db.query('SELECT 1 FROM ingestion.published_events WHERE event_id = $1', [id])).length,
      (await db.query('SELECT 1 FROM ingestion.pending_sends WHERE event_id = $1', [id])).length,
    ];
    expect(await rows()).toEqual([0, 1]);

    service = await startBuiltService('ingestion', env(), 180_000);
    const retry = await accepted(service.url);
    expect(retry.body).toMatchObject({ accepted: 1, duplicates: 1 });
    await readPastMarkers(service.url, ws.writeKey, reader, [sent!]);
    expect(copies()).toHaveLength(1);
    expect(await rows()).toEqual([1, 0]);
  });
});
