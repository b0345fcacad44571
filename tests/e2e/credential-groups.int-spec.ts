import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import {
  BuiltService,
  TestDatabase,
  createTestDatabase,
  createWorkspaceWithCli,
  startBuiltService,
  waitFor,
} from '@tsuzuku/platform-testing';

/**
 * The credential store reads cs.credentials.v1 whole in every instance, through a consumer group
 * of that instance's own. A pod that is SIGKILLed and restarts (same INSTANCE_ID, as a pod keeps
 * its name) joins the group it had instead of leaving one more behind, and still reads every
 * credential from the beginning.
 */
const brokers = () => (process.env['KAFKA_BROKERS'] ?? '').split(',');

describe('credential-store consumer groups after a SIGKILL', () => {
  const admin = new Kafka({
    clientId: 'credential-groups-test',
    brokers: brokers(),
    logLevel: logLevel.NOTHING,
  }).admin();
  let db: TestDatabase;
  let service: BuiltService | undefined;

  /** The credential-store groups on the broker (of every service and test so far). */
  async function credentialGroups(): Promise<string[]> {
    const { groups } = await admin.listGroups();
    return groups.map((g) => g.groupId).filter((id) => id.includes('.credentials.'));
  }

  beforeAll(async () => {
    await admin.connect();
    db = await createTestDatabase('credential_groups');
  });

  afterAll(async () => {
    if (service && service.process.exitCode === null && service.process.signalCode === null)
      await service.stop();
    await admin.disconnect();
    await db?.drop();
  });

  it('a restarted instance joins its own group: no group is left behind, and every credential is read again', async () => {
    const before = new Set(await credentialGroups());
    const added = async () => (await credentialGroups()).filter((id) => !before.has(id)).sort();
    const env = { DATABASE_URL: db.url, INSTANCE_ID: `cred-groups-${randomUUID().slice(0, 8)}` };

    const step = (what: string) => process.stderr.write(`[credential-groups] ${what}\n`);
    service = await startBuiltService('ingestion', env, 180_000);
    step('started');
    const workspace = await createWorkspaceWithCli('credential-groups', env, [service.url], {
      timeoutMs: 60_000,
    });
    const first = await waitFor(async () => ((await added()).length > 0 ? added() : undefined), {
      what: 'the credential store group to appear',
    });
    step(`groups added: ${first.join(', ')}`);
    expect(first).toHaveLength(1);
    expect(first[0]).toContain(env.INSTANCE_ID);

    const killed = service;
    const exited = new Promise((resolve) => killed.process.once('exit', resolve));
    killed.process.kill('SIGKILL');
    await exited;

    step('killed');
    service = await startBuiltService('ingestion', env, 180_000);
    step('restarted and ready');
    // Ready means caught up: the token written before the kill is known again, read from the beginning.
    const whoami = await fetch(`${service.url}/v1/auth/whoami`, {
      headers: { authorization: `Bearer ${workspace.token}` },
    });
    expect(whoami.status).toBe(200);
    // The restarted instance is a member of the group it had; no other group was added.
    await waitFor(
      async () => {
        const [group] = (await admin.describeGroups(first)).groups;
        return group && group.state === 'Stable' && group.members.length === 1 ? true : undefined;
      },
      { what: 'the restarted instance to be the one member of its group', timeoutMs: 60_000 },
    );
    expect(await added()).toEqual(first);
  }, 600_000);
});
