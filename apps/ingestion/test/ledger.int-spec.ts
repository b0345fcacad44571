import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Topic } from '@tsuzuku/contracts';
import { migrate, serviceDataSourceOptions } from '@tsuzuku/platform-database';
import {
  RunningTestService,
  TestDatabase,
  TopicReader,
  createTestDatabase,
  startTestService,
  waitFor,
} from '@tsuzuku/platform-testing';
import { IngestionConfig } from '../src/config/ingestion.config';
import { ingestionDatabase } from '../src/database/ingestion.database';
import { eventId } from '../src/collect/domain/event-identity';
import { ingestionService } from '../src/service';
import {
  ADMIN_TOKEN,
  createWorkspace,
  post,
  readPastMarkers,
  startIngestion,
  RunningIngestion,
} from './ingestion-harness';

const brokers = () => process.env['KAFKA_BROKERS']!.split(',');

describe('ingestion: the deduplication ledger', () => {
  it('carries the messageIds of the old ledger over as the event ids eventId gives', async () => {
    const db: TestDatabase = await createTestDatabase('ingestion_ledger_upgrade');
    const migrations = ingestionDatabase.migrations as unknown[];
    const withMigrations = (list: unknown[]) =>
      new DataSource({
        ...serviceDataSourceOptions(
          { DATABASE_URL: db.url, DATABASE_POOL_SIZE: 2 },
          { ...ingestionDatabase, migrations: list as typeof ingestionDatabase.migrations },
          'ledger-test',
        ),
      } as ConstructorParameters<typeof DataSource>[0]);
    try {
      // Up to the migration that replaced the old ledger, and not that one.
      const ledger = migrations.findIndex(
        (m) => (m as { name: string }).name === 'PublishedEventsLedger1764200000000',
      );
      expect(ledger).toBeGreaterThan(0);
      const before = withMigrations(migrations.slice(0, ledger));
      await migrate(before, db.url, 'ingestion');
      await before.destroy();
      const rows = [
        ['ws_1', 'message-1', '2026-11-22T10:00:00Z'],
        ['ws_1', 'Ünïcødé ✓ 🚀', '2026-11-22T11:00:00Z'],
        ['8f8a7d0e-9a61-4d1c-bb3b-0f4b1c2a9e11', randomUUID(), '2026-11-23T09:30:00Z'],
      ];
      for (const [workspace, message, at] of rows)
        await db.query(
          'INSERT INTO ingestion.dedupe (workspace_id, message_id, received_at) VALUES ($1, $2, $3)',
          [workspace, message, at],
        );

      const after = withMigrations(migrations);
      await migrate(after, db.url, 'ingestion');
      await after.destroy();

      const carried = await db.query<{ event_id: string; received_at: Date }>(
        'SELECT event_id, received_at FROM ingestion.published_events',
      );
      expect(carried.map((r) => [r.event_id, r.received_at.toISOString()]).sort()).toEqual(
        rows
          .map(([workspace, message, at]) => [eventId(workspace!, message!), new Date(at!).toISOString()])
          .sort(),
      );
      const [old] = await db.query<{ exists: boolean }>(
        `SELECT to_regclass('ingestion.dedupe') IS NOT NULL AS exists`,
      );
      expect(old!.exists).toBe(false);
    } finally {
      await db.drop();
    }
  });

  describe('two instances on one database', () => {
    let first: RunningIngestion;
    let second: RunningTestService<IngestionConfig>;
    let events: TopicReader;

    beforeAll(async () => {
      first = await startIngestion({}, 'ingestion_two_instances');
      second = await startTestService(ingestionService, {
        DATABASE_URL: first.db.url,
        TSUZUKU_ADMIN_TOKEN: ADMIN_TOKEN,
      });
      events = await new TopicReader(brokers()).start([Topic.Events]);
    });

    afterAll(async () => {
      await events?.stop();
      await second?.close();
      await first?.close();
    });

    it('publish a messageId sent to both at once exactly once, and both acknowledge it', async () => {
      const ws = await createWorkspace(first.service.url, 'two-instances');
      const batchOf = (ids: string[]) => ({
        batch: ids.map((messageId, i) => ({
          type: 'track',
          userId: `u${i}`,
          event: 'Feature Used',
          messageId,
          context: { groupId: `acc-${i % 5}` },
        })),
      });
      await waitFor(
        async () =>
          (await post(second.url, '/v1/batch', batchOf([randomUUID()]), { writeKey: ws.writeKey })).status ===
            200 || undefined,
        { what: 'the second instance to know the write key' },
      );

      const sent = new Set<string>();
      let published = 0;
      for (let round = 0; round < 8; round++) {
        const ids = Array.from({ length: 40 }, () => randomUUID());
        ids.forEach((id) => sent.add(id));
        const answers = await Promise.all(
          [first.service.url, second.url, first.service.url].map((url) =>
            post(url, '/v1/batch', batchOf(ids), { writeKey: ws.writeKey }),
          ),
        );
        // Two attempts on one instance: the later may be told to retry while the first waits.
        const accepted = answers.filter((a) => a.status === 200);
        expect(accepted.length).toBeGreaterThanOrEqual(2);
        for (const a of answers) expect([200, 503]).toContain(a.status);
        for (const a of accepted) expect(a.body['accepted']).toBe(40);
        published += accepted.reduce(
          (sum, a) => sum + (a.body['accepted'] as number) - (a.body['duplicates'] as number),
          0,
        );
      }
      expect(published).toBe(sent.size);
      const mine = () =>
        events.messages.filter((m) =>
          sent.has((JSON.parse(m.value!) as { data: { messageId: string } }).data.messageId),
        );
      const arrived = await waitFor(() => (mine().length >= sent.size ? mine() : undefined), {
        what: 'every event',
      });
      // A repeat would be published before the markers sent behind the events on their keys.
      await readPastMarkers(first.service.url, ws.writeKey, events, arrived);
      expect(mine()).toHaveLength(sent.size);
    });
  });
  describe('a claim that ended without settling', () => {
    let ingestion: RunningIngestion;
    let events: TopicReader;
    let ws: Awaited<ReturnType<typeof createWorkspace>>;

    beforeAll(async () => {
      ingestion = await startIngestion({}, 'ingestion_unsettled_claims');
      events = await new TopicReader(brokers()).start([Topic.Events]);
      ws = await createWorkspace(ingestion.service.url, 'unsettled-claims');
    });

    afterAll(async () => {
      await events?.stop();
      await ingestion?.close();
    });

    const track = (messageIds: readonly string[]) => ({
      batch: messageIds.map((messageId) => ({
        type: 'track',
        userId: 'u-unsettled',
        event: 'Feature Used',
        messageId,
        context: { groupId: 'acc-unsettled' },
      })),
    });
    const copiesOf = (messageId: string) =>
      events.messages.filter(
        (m) => (JSON.parse(m.value!) as { data: { messageId: string } }).data.messageId === messageId,
      );
    const rowsOf = async (table: 'published_events' | 'pending_sends', id: string) =>
      (await ingestion.db.query(`SELECT 1 FROM ingestion.${table} WHERE event_id = $1`, [id])).length;

    it('does not send again what Kafka took from a claim whose process died before its commit', async () => {
      // Sent and acknowledged; then the ledger is put back as a process that died between Kafka's
      // acknowledgement and the commit leaves it: the id pending, not in the ledger.
      const sent = randomUUID();
      const id = eventId(ws.id, sent);
      const first = await post(ingestion.service.url, '/v1/batch', track([sent]), { writeKey: ws.writeKey });
      expect(first.body).toMatchObject({ accepted: 1, duplicates: 0 });
      const [original] = await waitFor(() => (copiesOf(sent).length > 0 ? copiesOf(sent) : undefined), {
        what: 'the event on the topic',
      });
      await ingestion.db.query('DELETE FROM ingestion.published_events WHERE event_id = $1', [id]);
      await ingestion.db.query('INSERT INTO ingestion.pending_sends (event_id, sent_after) VALUES ($1, $2)', [
        id,
        new Date(Number(original!.timestamp) - 50),
      ]);
      // And one the dead process had pending but Kafka never took.
      const lost = randomUUID();
      await ingestion.db.query('INSERT INTO ingestion.pending_sends (event_id) VALUES ($1)', [
        eventId(ws.id, lost),
      ]);

      const retry = await post(ingestion.service.url, '/v1/batch', track([sent, lost]), {
        writeKey: ws.writeKey,
      });
      expect(retry.body).toMatchObject({ accepted: 2, duplicates: 1 });
      const arrived = await waitFor(() => (copiesOf(lost).length > 0 ? copiesOf(lost) : undefined), {
        what: 'the event Kafka never took',
      });
      await readPastMarkers(ingestion.service.url, ws.writeKey, events, [...arrived, original!]);
      expect([copiesOf(sent).length, copiesOf(lost).length]).toEqual([1, 1]);
      // Both settled: in the ledger, no longer pending.
      for (const messageId of [sent, lost]) {
        const settled = eventId(ws.id, messageId);
        expect([await rowsOf('published_events', settled), await rowsOf('pending_sends', settled)]).toEqual([
          1, 0,
        ]);
      }
    });

    it('leaves nothing pending after a claim that settled', async () => {
      const messageIds = [randomUUID(), randomUUID()];
      const answer = await post(ingestion.service.url, '/v1/batch', track(messageIds), {
        writeKey: ws.writeKey,
      });
      expect(answer.body).toMatchObject({ accepted: 2, duplicates: 0 });
      // The claim commits just after the answer.
      for (const messageId of messageIds)
        await waitFor(async () => (await rowsOf('pending_sends', eventId(ws.id, messageId))) === 0, {
          what: `no pending send left for ${messageId}`,
        });
    });
  });
});
