import { Header, Topic } from '@tsuzuku/contracts';
import { DEAD_LETTER_TOPICS } from '../../topics';
export type DeadLetterTopic = (typeof DEAD_LETTER_TOPICS)[number];

export function isDeadLetterTopic(topic: string): topic is DeadLetterTopic {
  return (DEAD_LETTER_TOPICS as readonly string[]).includes(topic);
}

/** A message as read from a dead-letter topic. */
export interface DeadLetterMessage {
  readonly topic: DeadLetterTopic;
  readonly partition: number;
  readonly offset: string;
  /** Kafka's timestamp of the dead letter, ms. */
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** A dead letter with what its headers and value say about it. */
export interface DeadLetter extends DeadLetterMessage {
  /** `<topic>/<partition>@<offset>`: how the CLI names one. */
  readonly id: string;
  readonly workspaceId: string | null;
  readonly errorCode: string | null;
  readonly reason: string | null;
  /** Where it failed; null for cs.events.dlq.v1 (refused at validation, never on a topic). */
  readonly originTopic: string | null;
  readonly consumerGroup: string | null;
  /** The failed-at header, else the Kafka timestamp. */
  readonly failedAt: Date;
}

export interface DeadLetterFilter {
  readonly topics: readonly DeadLetterTopic[];
  readonly workspaceId?: string;
  /** Inclusive. */
  readonly since?: Date;
  /** Exclusive. */
  readonly until?: Date;
  /** An error code (exactly, any case) or a part of the reason text (any case). */
  readonly reason?: string;
}

export function deadLetterId(topic: string, partition: number, offset: string): string {
  return `${topic}/${partition}@${offset}`;
}

/** Parses `<topic>/<partition>@<offset>`; undefined when it is not one of a dead-letter topic. */
export function parseDeadLetterId(
  id: string,
): { topic: DeadLetterTopic; partition: number; offset: string } | undefined {
  const match = /^([^/]+)\/(\d+)@(\d+)$/.exec(id);
  if (!match || !isDeadLetterTopic(match[1]!)) return undefined;
  return { topic: match[1], partition: Number(match[2]), offset: match[3]! };
}

/** The workspace of a dead letter: its header, else the envelope's workspaceId, else the key's prefix. */
function workspaceOf(message: DeadLetterMessage): string | null {
  const header = message.headers[Header.WorkspaceId];
  if (header) return header;
  if (message.value !== null) {
    try {
      const parsed: unknown = JSON.parse(message.value);
      if (parsed && typeof parsed === 'object' && 'workspaceId' in parsed) {
        const workspaceId = (parsed as { workspaceId: unknown }).workspaceId;
        if (typeof workspaceId === 'string' && workspaceId !== '') return workspaceId;
      }
    } catch {
      // Not JSON: poison bytes; the key may still say.
    }
  }
  const prefix = message.key?.split(':')[0];
  return prefix ? prefix : null;
}

export function toDeadLetter(message: DeadLetterMessage): DeadLetter {
  const failedAt = new Date(message.headers[Header.DeadLetterFailedAt] ?? Number.NaN);
  return {
    ...message,
    id: deadLetterId(message.topic, message.partition, message.offset),
    workspaceId: workspaceOf(message),
    errorCode: message.headers[Header.DeadLetterErrorCode] ?? null,
    reason: message.headers[Header.DeadLetterReason] ?? null,
    originTopic: message.headers[Header.DeadLetterOriginTopic] ?? null,
    consumerGroup: message.headers[Header.DeadLetterConsumerGroup] ?? null,
    failedAt: Number.isNaN(failedAt.getTime()) ? new Date(message.timestamp) : failedAt,
  };
}

export function matchesFilter(letter: DeadLetter, filter: DeadLetterFilter): boolean {
  if (!filter.topics.includes(letter.topic)) return false;
  if (filter.workspaceId !== undefined && letter.workspaceId !== filter.workspaceId) return false;
  if (filter.since && letter.failedAt < filter.since) return false;
  if (filter.until && letter.failedAt >= filter.until) return false;
  if (filter.reason !== undefined) {
    const wanted = filter.reason.toLowerCase();
    const code = letter.errorCode?.toLowerCase();
    if (code !== wanted && !(letter.reason ?? '').toLowerCase().includes(wanted)) return false;
  }
  return true;
}

/** A message to publish again. */
export interface Replay {
  readonly topic: Topic;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Record<string, string>;
}

export type ReplayPlan =
  { readonly ok: true; readonly replay: Replay } | { readonly ok: false; readonly why: string };

const DEAD_LETTER_HEADER_PREFIX = 'tsuzuku-dlq-';

/**
 * What replaying a dead letter publishes: its value, to its origin topic, with its original key
 * and headers (the dead-letter ones dropped) and a replay header naming it. Every consumer of the
 * origin topic sees it again; their inboxes skip what they had processed, so a replay is safe to
 * repeat. Refused for cs.events.dlq.v1: those calls were refused by validation and never reached
 * a topic; publishing them to cs.events.v1 would bypass it (resend them to /v1/batch instead).
 */
export function planReplay(letter: DeadLetter, now: Date): ReplayPlan {
  if (letter.topic === Topic.EventsDlq)
    return {
      ok: false,
      why:
        `${letter.id} was refused by ingestion's validation (${letter.reason ?? 'no reason recorded'}); ` +
        `publishing it to ${Topic.Events} would bypass that validation. Fix the call and send it again ` +
        `to POST /v1/batch (its messageId makes a resend safe).`,
    };
  const origin = letter.originTopic;
  if (!origin || !(Object.values(Topic) as string[]).includes(origin))
    return { ok: false, why: `${letter.id} has no known origin topic (${origin ?? 'none recorded'})` };
  if (isDeadLetterTopic(origin))
    return { ok: false, why: `${letter.id} came from the dead-letter topic ${origin} itself` };
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(letter.headers))
    if (!name.startsWith(DEAD_LETTER_HEADER_PREFIX) && name !== Header.ReplayOf && name !== Header.ReplayedAt)
      headers[name] = value;
  headers[Header.ReplayOf] = letter.id;
  headers[Header.ReplayedAt] = now.toISOString();
  return { ok: true, replay: { topic: origin as Topic, key: letter.key, value: letter.value, headers } };
}

const COLUMNS = ['id', 'failed at', 'workspace', 'code', 'origin', 'group', 'reason'] as const;

/** A plain-text table of dead letters, one a line, the reason cut at `reasonWidth`. */
export function deadLetterTable(letters: readonly DeadLetter[], reasonWidth = 80): string {
  const rows = letters.map((l) => [
    l.id,
    l.failedAt.toISOString(),
    l.workspaceId ?? '-',
    l.errorCode ?? '-',
    l.originTopic ?? '-',
    l.consumerGroup ?? '-',
    (l.reason ?? '-').replace(/\s+/g, ' ').slice(0, reasonWidth),
  ]);
  const all = [[...COLUMNS], ...rows];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [...all.map(line), `${letters.length} dead letter(s)`].join('\n');
}
