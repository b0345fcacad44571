import { Topic } from '@tsuzuku/contracts';
import { runBuiltScript } from '@tsuzuku/platform-testing';
import { RunningIngestion, Workspace, createWorkspace, post, startIngestion } from './ingestion-harness';

/**
 * A call ingestion refused at validation is on cs.events.dlq.v1: the CLI lists and shows it
 * with its reasons, and refuses to replay it (that would bypass the validation).
 */
describe('ingestion: refused calls through the dlq CLI', () => {
  let ingestion: RunningIngestion;
  let ws: Workspace;
  const cli = (...args: string[]) =>
    runBuiltScript('ingestion', 'cli.js', ['dlq', ...args], { DATABASE_URL: ingestion.db.url });

  beforeAll(async () => {
    ingestion = await startIngestion({}, 'ingestion_dlq_cli');
    ws = await createWorkspace(ingestion.service.url, 'refused');
  });

  afterAll(async () => {
    await ingestion?.close();
  });

  it('lists and shows a refused call with its reasons, and refuses to replay it', async () => {
    const response = await post(
      ingestion.service.url,
      '/v1/track',
      { userId: 'u1', event: 'Survey Responded', properties: { survey: 'nps', score: 11 } },
      { writeKey: ws.writeKey },
    );
    expect(response.status).toBe(400);

    const listed = await cli('list', '--topic', Topic.EventsDlq, '--workspace', ws.id, '--reason', 'score');
    expect(listed.code).toBe(0);
    const rows = listed.stdout.split('\n').filter((line) => line.startsWith(`${Topic.EventsDlq}/`));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('invalid_event');
    expect(rows[0]).toContain('properties.score');
    const id = rows[0]!.split(/\s+/)[0]!;

    const shown = await cli('show', id);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      id,
      topic: Topic.EventsDlq,
      workspaceId: ws.id,
      errorCode: 'invalid_event',
      originTopic: null,
    });
    expect(JSON.parse(JSON.parse(shown.stdout).value as string)).toMatchObject({ properties: { score: 11 } });

    const replayed = await cli('replay', id);
    expect(replayed.code).toBe(1);
    expect(JSON.parse(replayed.stderr)).toMatchObject({ statusCode: 409, error: 'replay_refused' });
    expect(replayed.stderr).toContain(`would bypass that validation`);
    expect(replayed.stderr).toContain('POST /v1/batch');
  }, 300_000);
});
