import { Header, Topic } from '@tsuzuku/contracts';
import { BackgroundJobs } from '@tsuzuku/platform-database';
import { ManualClock } from '@tsuzuku/platform-runtime';
import { MigratedDatabase, createMigratedDatabase, waitFor } from '@tsuzuku/platform-testing';
import { CollectService } from '../../src/collect/collect.service';
import { DedupeLedger } from '../../src/collect/dedupe-ledger';
import { eventId } from '../../src/collect/domain/event-identity';
import { MembershipRepository } from '../../src/collect/membership.repository';
import { PublishedEventRepository } from '../../src/collect/published-event.repository';
import { SentEvents } from '../../src/collect/sent-events';
import { ingestionDatabase } from '../../src/database/ingestion.database';
import { TrackingPlanRepository } from '../../src/tracking-plan/tracking-plan.repository';
import { TrackingPlanService } from '../../src/tracking-plan/tracking-plan.service';
import {
  RecordingPublisher,
  StillRelay,
  batchRequest,
  groupCall,
  mediumConfig,
  newWorkspace,
  trackCall,
} from './factories';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The collect path with its real repositories (the deduplication ledger, the memberships, the
 * tracking plans) on a migrated database: no HTTP, Kafka replaced by a recording publisher, time
 * from a ManualClock. Each test uses a workspace and a collect service of its own.
 */
describe('collect on Postgres (medium)', () => {
  const config = mediumConfig();
  let database: MigratedDatabase;
  let ledger: DedupeLedger;
  let plans: TrackingPlanService;
  let memberships: MembershipRepository;
  let clock: ManualClock;
  let publisher: RecordingPublisher;

  const collectService = (): CollectService =>
    new CollectService(config, ledger, memberships, publisher.asPublisher(), plans, clock);
  const ledgerRows = (id: string) =>
    database.db.query<{ event_id: string }>(
      'SELECT event_id FROM ingestion.published_events WHERE event_id = $1',
      [id],
    );

  beforeAll(async () => {
    database = await createMigratedDatabase('ingestion_medium_collect', ingestionDatabase);
    const ds = database.dataSource;
    // The recording publisher stands for the topic a claim reads for the ids left pending.
    const sentEvents = {
      found: async (inDoubt: ReadonlyMap<string, Date>) =>
        new Set(publisher.events.map((e) => e.id).filter((id) => inDoubt.has(id))),
    } as SentEvents;
    ledger = new DedupeLedger(new PublishedEventRepository(ds), sentEvents, config);
    memberships = new MembershipRepository(ds);
    const noJobs = { schedule: () => undefined } as unknown as BackgroundJobs;
    plans = new TrackingPlanService(new TrackingPlanRepository(ds), new StillRelay().asRelay(), noJobs);
  });

  afterAll(async () => {
    await database?.close();
  });

  beforeEach(() => {
    clock = new ManualClock(new Date('2026-05-04T09:30:00.000Z'));
    publisher = new RecordingPublisher();
  });

  // A claim commits just after collect answers: a test reads the ledger, and ends, only once
  // every other connection to its database is idle (no claim open, no commit on its way).
  const claimsSettled = () =>
    waitFor(
      async () => {
        const [open] = await database.db.query<{ count: number }>(
          `SELECT count(*)::int AS count FROM pg_stat_activity
            WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle'`,
          [database.db.name],
        );
        return open!.count === 0;
      },
      { what: 'the open claims to commit' },
    );

  afterEach(async () => {
    await claimsSettled();
  });

  it('publishes a messageId once: a repeat within the window is acknowledged as a duplicate and not sent', async () => {
    const service = collectService();
    const workspaceId = newWorkspace();
    const call = trackCall(new Date(clock.now().getTime() - HOUR_MS), { context: { groupId: 'acc_1' } });
    const receivedAt = clock.now().toISOString();

    expect(await service.collect(batchRequest(workspaceId, [call]))).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [],
    });
    clock.advance(60_000);
    expect(await service.collect(batchRequest(workspaceId, [call]))).toEqual({
      accepted: 1,
      duplicates: 1,
      rejected: [],
    });

    const id = eventId(workspaceId, call['messageId'] as string);
    expect(publisher.events.map((e) => e.id)).toEqual([id]);
    expect(publisher.events[0]).toMatchObject({ accountId: 'acc_1', producedAt: receivedAt });
    expect(await ledgerRows(id)).toHaveLength(1);
  });

  it('keeps no ledger row for an event Kafka refused, so the retry publishes it', async () => {
    const service = collectService();
    const workspaceId = newWorkspace();
    const call = trackCall(clock.now());
    const id = eventId(workspaceId, call['messageId'] as string);

    publisher.refusing = true;
    await expect(service.collect(batchRequest(workspaceId, [call]))).rejects.toMatchObject({
      code: 'kafka_unavailable',
    });
    expect(publisher.events).toEqual([]);

    publisher.refusing = false;
    // The refused attempt's claim settles just after its answer; until then a retry is told to wait.
    const retried = await waitFor(() => service.collect(batchRequest(workspaceId, [call])), {
      what: 'the retry to be accepted',
    });
    expect(retried).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect(publisher.events.map((e) => e.id)).toEqual([id]);
    await claimsSettled();
    expect(await ledgerRows(id)).toHaveLength(1);
  });

  it('looks on the topic before sending again an event whose send failed after Kafka may have stored it', async () => {
    const service = collectService();
    const workspaceId = newWorkspace();
    const call = trackCall(clock.now());
    const id = eventId(workspaceId, call['messageId'] as string);
    const pending = () =>
      database.db.query('SELECT 1 FROM ingestion.pending_sends WHERE event_id = $1', [id]);

    publisher.losingAcknowledgements = true;
    await expect(service.collect(batchRequest(workspaceId, [call]))).rejects.toMatchObject({
      code: 'kafka_unavailable',
    });
    await claimsSettled();
    expect([(await ledgerRows(id)).length, (await pending()).length]).toEqual([0, 1]);

    publisher.losingAcknowledgements = false;
    expect(await service.collect(batchRequest(workspaceId, [call]))).toEqual({
      accepted: 1,
      duplicates: 1,
      rejected: [],
    });
    expect(publisher.events.map((e) => e.id)).toEqual([id]);
    await claimsSettled();
    expect([(await ledgerRows(id)).length, (await pending()).length]).toEqual([1, 0]);
  });

  it("gives a user's calls the account of their latest group call by event time, whatever the arrival order", async () => {
    const workspaceId = newWorkspace();
    const now = clock.now().getTime();
    const first = collectService();
    await first.collect(batchRequest(workspaceId, [groupCall(new Date(now - HOUR_MS), 'acc_new')]));
    // An older group call that arrives later does not move the user back.
    await first.collect(batchRequest(workspaceId, [groupCall(new Date(now - 2 * HOUR_MS), 'acc_old')]));

    // A service with an empty cache: the membership table answers.
    await collectService().collect(batchRequest(workspaceId, [trackCall(clock.now())]));

    expect(publisher.events.map((e) => e.accountId)).toEqual(['acc_new', 'acc_old', 'acc_new']);
    expect(
      await database.db.query(
        'SELECT actor, account_id, joined_at FROM ingestion.memberships WHERE workspace_id = $1',
        [workspaceId],
      ),
    ).toEqual([{ actor: 'u1', account_id: 'acc_new', joined_at: new Date(now - HOUR_MS) }]);
  });

  it('judges event time against the injected clock: past the live window a call goes to the dead letters', async () => {
    const service = collectService();
    const workspaceId = newWorkspace();
    const stampedAt = clock.now();
    const recent = trackCall(stampedAt);
    const stale = trackCall(stampedAt);
    clock.advance((config.LIVE_EVENT_MAX_AGE_DAYS - 1) * DAY_MS);
    expect(await service.collect(batchRequest(workspaceId, [recent]))).toMatchObject({ accepted: 1 });

    clock.advance(2 * DAY_MS);
    const result = await service.collect(batchRequest(workspaceId, [stale]));
    expect(result).toMatchObject({ accepted: 0, duplicates: 0 });
    expect(result.rejected.map((r) => r.messageId)).toEqual([stale['messageId']]);
    expect(publisher.events.map((e) => e.data)).toEqual([
      expect.objectContaining({ messageId: recent['messageId'] }),
    ]);
    expect(publisher.raw).toHaveLength(1);
    expect(publisher.raw[0]!.topic).toBe(Topic.EventsDlq);
    expect(publisher.raw[0]!.message.headers?.[Header.DeadLetterFailedAt]).toBe(clock.now().toISOString());
  });

  it('forgets ids older than the window when pruned; the same messageId is then published again', async () => {
    const service = collectService();
    const workspaceId = newWorkspace();
    const call = trackCall(clock.now());
    const id = eventId(workspaceId, call['messageId'] as string);
    await service.collect(batchRequest(workspaceId, [call]));
    await claimsSettled();
    // The ledger's window runs on the database's clock: age the row there.
    await database.db.query(
      `UPDATE ingestion.published_events SET received_at = now() - make_interval(hours => $2 + 1)
        WHERE event_id = $1`,
      [id, config.DEDUPE_WINDOW_HOURS],
    );

    expect(await ledger.prune()).toBe(1);
    expect(await ledgerRows(id)).toEqual([]);
    expect(await service.collect(batchRequest(workspaceId, [call]))).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [],
    });
    expect(publisher.events.map((e) => e.id)).toEqual([id, id]);
  });
});
