import { Header, Topic } from '@tsuzuku/contracts';
import {
  DeadLetter,
  DeadLetterFilter,
  deadLetterTable,
  matchesFilter,
  parseDeadLetterId,
  planReplay,
  toDeadLetter,
} from './dead-letter';

const failedAt = '2026-11-05T09:00:00.000Z';

function consumerLetter(headers: Record<string, string> = {}): DeadLetter {
  return toDeadLetter({
    topic: Topic.DeadLetter,
    partition: 2,
    offset: '41',
    timestamp: Date.parse('2026-11-05T09:00:01.000Z'),
    key: 'ws_a:acc-1',
    value: JSON.stringify({ id: 'e1', workspaceId: 'ws_a' }),
    headers: {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      [Header.DeadLetterReason]: 'QueryFailedError: Lock Timeout on accounts',
      [Header.DeadLetterErrorCode]: 'HANDLER_FAILED',
      [Header.DeadLetterOriginTopic]: Topic.Events,
      [Header.DeadLetterOriginPartition]: '2',
      [Header.DeadLetterOriginOffset]: '1234',
      [Header.DeadLetterConsumerGroup]: 'health-scoring.scoring',
      [Header.DeadLetterAttempts]: '5',
      [Header.DeadLetterFailedAt]: failedAt,
      ...headers,
    },
  });
}

function refusedCall(): DeadLetter {
  return toDeadLetter({
    topic: Topic.EventsDlq,
    partition: 0,
    offset: '7',
    timestamp: Date.parse(failedAt),
    key: 'ws_b',
    value: JSON.stringify({ type: 'track' }),
    headers: {
      [Header.WorkspaceId]: 'ws_b',
      [Header.DeadLetterReason]: 'event: is required',
      [Header.DeadLetterErrorCode]: 'invalid_event',
    },
  });
}

describe('toDeadLetter', () => {
  it('reads the id, workspace, code, reason, origin and failure time of a consumer dead letter', () => {
    expect(consumerLetter()).toMatchObject({
      id: 'cs.deadletter.v1/2@41',
      workspaceId: 'ws_a',
      errorCode: 'HANDLER_FAILED',
      reason: 'QueryFailedError: Lock Timeout on accounts',
      originTopic: Topic.Events,
      consumerGroup: 'health-scoring.scoring',
      failedAt: new Date(failedAt),
    });
  });

  it.each([
    ['the workspace header', { value: 'not json', key: 'ws_k:acc', header: 'ws_h' }, 'ws_h'],
    ['the envelope', { value: '{"workspaceId":"ws_v"}', key: 'ws_k:acc' }, 'ws_v'],
    ['the key, for bytes that are not JSON', { value: '{"half', key: 'ws_k:acc' }, 'ws_k'],
    ['nothing', { value: null, key: null }, null],
  ])(
    'takes the workspace from %s',
    (_, { value, key, header }: { value: string | null; key: string | null; header?: string }, expected) => {
      const letter = toDeadLetter({
        topic: Topic.DeadLetter,
        partition: 0,
        offset: '0',
        timestamp: 0,
        key,
        value,
        headers: header ? { [Header.WorkspaceId]: header } : {},
      });
      expect(letter.workspaceId).toBe(expected);
    },
  );

  it('falls back to the Kafka timestamp when the failed-at header is missing or not a time', () => {
    expect(consumerLetter({ [Header.DeadLetterFailedAt]: 'soon' }).failedAt).toEqual(
      new Date('2026-11-05T09:00:01.000Z'),
    );
  });
});

describe('matchesFilter', () => {
  const both: DeadLetterFilter['topics'] = [Topic.DeadLetter, Topic.EventsDlq];
  it.each<[string, Omit<DeadLetterFilter, 'topics'> & { topics?: DeadLetterFilter['topics'] }, boolean]>([
    ['no filter', {}, true],
    ['its topic', { topics: [Topic.DeadLetter] }, true],
    ['the other topic', { topics: [Topic.EventsDlq] }, false],
    ['its workspace', { workspaceId: 'ws_a' }, true],
    ['another workspace', { workspaceId: 'ws_ab' }, false],
    ['a range around it', { since: new Date(failedAt), until: new Date('2026-11-05T09:00:00.001Z') }, true],
    ['a range ending at it (exclusive)', { until: new Date(failedAt) }, false],
    ['a range after it', { since: new Date('2026-11-05T09:00:00.001Z') }, false],
    ['its code, any case', { reason: 'handler_failed' }, true],
    ['another code', { reason: 'CONTRACT_VIOLATION' }, false],
    ['a part of its reason, any case', { reason: 'lock timeout' }, true],
    ['text not in its reason', { reason: 'deadlock' }, false],
    [
      'all of them matching',
      { workspaceId: 'ws_a', reason: 'HANDLER_FAILED', since: new Date(failedAt) },
      true,
    ],
  ])('%s', (_, filter, expected) => {
    expect(matchesFilter(consumerLetter(), { topics: both, ...filter })).toBe(expected);
  });
});

describe('parseDeadLetterId', () => {
  it.each([
    ['cs.deadletter.v1/2@41', { topic: Topic.DeadLetter, partition: 2, offset: '41' }],
    ['cs.events.dlq.v1/0@7', { topic: Topic.EventsDlq, partition: 0, offset: '7' }],
    ['cs.events.v1/0@7', undefined],
    ['cs.deadletter.v1/x@7', undefined],
    ['cs.deadletter.v1/0@-1', undefined],
    ['cs.deadletter.v1', undefined],
  ])('%s', (id, expected) => {
    expect(parseDeadLetterId(id)).toEqual(expected);
  });
});

describe('planReplay', () => {
  const now = new Date('2026-11-06T10:00:00.000Z');

  it('publishes the value to the origin topic with the original key and headers, a replay header, and no dead-letter headers', () => {
    const letter = consumerLetter();
    expect(planReplay(letter, now)).toEqual({
      ok: true,
      replay: {
        topic: Topic.Events,
        key: 'ws_a:acc-1',
        value: letter.value,
        headers: {
          traceparent: letter.headers['traceparent'],
          [Header.ReplayOf]: 'cs.deadletter.v1/2@41',
          [Header.ReplayedAt]: now.toISOString(),
        },
      },
    });
  });

  it('replaces the replay headers of a dead letter that had been replayed before', () => {
    const plan = planReplay(consumerLetter({ [Header.ReplayOf]: 'cs.deadletter.v1/0@1' }), now);
    expect(plan.ok && plan.replay.headers[Header.ReplayOf]).toBe('cs.deadletter.v1/2@41');
  });

  it('refuses calls ingestion refused at validation: replaying them would bypass it', () => {
    const plan = planReplay(refusedCall(), now);
    expect(plan.ok).toBe(false);
    expect(!plan.ok && plan.why).toMatch(/refused by ingestion's validation \(event: is required\).*bypass/);
  });

  it.each([
    ['no origin topic', undefined],
    ['an unknown origin topic', 'cs.unknown.v1'],
    ['a dead-letter topic as origin', Topic.DeadLetter],
  ])('refuses a dead letter with %s', (_, origin) => {
    const letter = consumerLetter();
    const headers = { ...letter.headers };
    if (origin === undefined) delete headers[Header.DeadLetterOriginTopic];
    else headers[Header.DeadLetterOriginTopic] = origin;
    expect(planReplay(toDeadLetter({ ...letter, headers }), now).ok).toBe(false);
  });
});

describe('deadLetterTable', () => {
  it('prints a header, one aligned line per dead letter with its reason, and the count', () => {
    const lines = deadLetterTable([consumerLetter(), refusedCall()]).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^id\s+failed at\s+workspace\s+code\s+origin\s+group\s+reason$/);
    expect(lines[1]).toContain('QueryFailedError: Lock Timeout on accounts');
    expect(lines[2]).toMatch(
      /^cs\.events\.dlq\.v1\/0@7\s+2026-11-05T09:00:00\.000Z\s+ws_b\s+invalid_event\s+-\s+-\s+event: is required$/,
    );
    expect(lines[1]!.indexOf('2026')).toBe(lines[2]!.indexOf('2026'));
    expect(lines[3]).toBe('2 dead letter(s)');
  });
});
