import { randomUUID } from 'node:crypto';
import { Kafka, Producer, logLevel } from 'kafkajs';
import { Header, Topic } from '@tsuzuku/contracts';
import { ConsumerRunner } from '@tsuzuku/platform-kafka';
import {
  ReadMessage,
  RunningTestService,
  TestDatabase,
  TopicReader,
  createTestDatabase,
  runBuiltScript,
  startTestService,
  testCustomerEvent,
  waitFor,
} from '@tsuzuku/platform-testing';
import { healthScoringService } from '../src/service';
import { HealthScoringConfig } from '../src/config/health-scoring.config';
import { SCORING_CONSUMER } from '../src/scoring/scoring.messaging';

/**
 * A message scoring could not process past its retries (the database refused it for a while) is
 * dead-lettered; the ingestion CLI lists it with its reason, replays it to cs.events.v1 with its
 * original key and a replay header, scoring processes it once, and a second replay changes nothing.
 */
describe('dead letters: list, show and replay with the CLI', () => {
  let db: TestDatabase;
  let service: RunningTestService<HealthScoringConfig>;
  let producer: Producer;
  let deadLetters: TopicReader;
  let events: TopicReader;
  const brokers = process.env['KAFKA_BROKERS']!.split(',');
  const workspace = `ws_${randomUUID().slice(0, 8)}`;
  const cli = (...args: string[]) =>
    runBuiltScript('ingestion', 'cli.js', ['dlq', ...args], { DATABASE_URL: db.url });

  const processed = async (eventId: string) =>
    (
      await db.query<{ inbox: number; events: number | null }>(
        `SELECT (SELECT count(*)::int FROM health_scoring.inbox WHERE consumer = $1 AND event_id = $2) AS inbox,
                (SELECT sum(events)::int FROM health_scoring.account_days WHERE workspace_id = $3) AS events`,
        [SCORING_CONSUMER, eventId, workspace],
      )
    )[0]!;

  beforeAll(async () => {
    db = await createTestDatabase('dead_letter_replay');
    service = await startTestService(healthScoringService, {
      DATABASE_URL: db.url,
      CONSUMER_MAX_ATTEMPTS: '2',
      CONSUMER_RETRY_BASE_MS: '10',
    });
    deadLetters = await new TopicReader(brokers).start([Topic.DeadLetter]);
    events = await new TopicReader(brokers).start([Topic.Events]);
    await service.app.get(ConsumerRunner).whenJoined(SCORING_CONSUMER);
    producer = new Kafka({ clientId: 'dlq-test', brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await service?.close();
    await deadLetters?.stop();
    await events?.stop();
    await db?.drop();
  });

  it('dead-letters a message that failed past its retries; the CLI lists, shows and replays it, once in effect', async () => {
    const event = testCustomerEvent(workspace, 'acc-1', '2026-11-05T09:00:00.000Z');
    const key = `${workspace}:acc-1`;
    // The database refuses this event's inbox row for as long as the trigger lives: an outage, not bad data.
    await db.query(`CREATE FUNCTION public.refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'the test refuses %', NEW.event_id; END $$`);
    await db.query(`CREATE TRIGGER refuse_event BEFORE INSERT ON health_scoring.inbox FOR EACH ROW
      WHEN (NEW.event_id = '${event.id}') EXECUTE FUNCTION public.refuse_event()`);
    const before = new Date();
    await producer.send({
      topic: Topic.Events,
      acks: -1,
      messages: [{ key, value: JSON.stringify(event), headers: { 'x-origin': 'test' } }],
    });
    const ours = (m: ReadMessage) =>
      m.headers[Header.DeadLetterConsumerGroup] === SCORING_CONSUMER && m.key === key;
    const [dead] = await deadLetters.waitForMessages(ours);
    expect(dead!.headers[Header.DeadLetterErrorCode]).toBe('HANDLER_FAILED');
    expect(dead!.headers[Header.DeadLetterAttempts]).toBe('2');
    const id = `${Topic.DeadLetter}/${dead!.partition}@${dead!.offset}`;
    await db.query(`DROP TRIGGER refuse_event ON health_scoring.inbox`);
    expect(await processed(event.id)).toEqual({ inbox: 0, events: null });

    // list: a table row with its id, workspace, code, origin and reason.
    const listed = await cli('list', '--topic', Topic.DeadLetter, '--workspace', workspace);
    expect(listed.code).toBe(0);
    const rows = listed.stdout.split('\n').filter((line) => line.startsWith(`${Topic.DeadLetter}/`));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(id);
    expect(rows[0]).toContain(workspace);
    expect(rows[0]).toContain('HANDLER_FAILED');
    expect(rows[0]).toContain(Topic.Events);
    expect(rows[0]).toContain(`the test refuses ${event.id}`);

    // The filters, by the CLI (every combination is in the unit tests of the domain): all that
    // match keep it, a time range after it leaves nothing.
    const count = async (...filters: string[]) => {
      const result = await cli('list', '--workspace', workspace, ...filters);
      expect(result.code).toBe(0);
      return result.stdout.split('\n').filter((line) => line.startsWith(`${Topic.DeadLetter}/`)).length;
    };
    const later = new Date(Date.now() + 60_000).toISOString();
    expect(await count('--reason', 'handler_failed', '--since', before.toISOString(), '--until', later)).toBe(
      1,
    );
    expect(await count('--reason', 'CONTRACT_VIOLATION', '--since', before.toISOString())).toBe(0);
    expect(await count('--since', later)).toBe(0);

    // show: the whole dead letter as JSON.
    const shown = await cli('show', id);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id,
      key,
      value: JSON.stringify(event),
      workspaceId: workspace,
      errorCode: 'HANDLER_FAILED',
      originTopic: Topic.Events,
      consumerGroup: SCORING_CONSUMER,
      headers: { 'x-origin': 'test', [Header.DeadLetterAttempts]: '2' },
    });

    // replay: to the origin topic, the original key and value, a replay header, no dead-letter headers.
    const replayed = await cli('replay', id);
    expect(replayed.stderr).toBe('');
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({
      replayed: [{ of: id, topic: Topic.Events, key, value: JSON.stringify(event) }],
      refused: [],
    });
    const replays = (m: ReadMessage) => m.headers[Header.ReplayOf] === id;
    const [again] = await events.waitForMessages(replays);
    expect(again!.key).toBe(key);
    expect(again!.value).toBe(JSON.stringify(event));
    expect(again!.headers['x-origin']).toBe('test');
    expect(Object.keys(again!.headers).filter((h) => h.startsWith('tsuzuku-dlq-'))).toEqual([]);
    await waitFor(async () => ((await processed(event.id)).inbox === 1 ? true : undefined), {
      what: 'the replayed event to be processed',
    });
    expect(await processed(event.id)).toEqual({ inbox: 1, events: 1 });

    // A second replay changes nothing: the inbox has it. A later event of the workspace, once
    // processed, shows the second replay (before it on the partition) was handled too.
    expect((await cli('replay', '--workspace', workspace, '--reason', 'HANDLER_FAILED')).code).toBe(0);
    await events.waitForMessages(replays, 2);
    const marker = testCustomerEvent(workspace, 'acc-1', '2026-11-06T09:00:00.000Z');
    await producer.send({
      topic: Topic.Events,
      acks: -1,
      messages: [{ key, value: JSON.stringify(marker) }],
    });
    await waitFor(async () => ((await processed(marker.id)).inbox === 1 ? true : undefined), {
      what: 'the marker event',
    });
    expect(await processed(event.id)).toEqual({ inbox: 1, events: 2 });
    // Nothing of the replays was dead-lettered again.
    expect(deadLetters.messages.filter(ours)).toHaveLength(1);
  }, 400_000);
});
