import { Injectable } from '@nestjs/common';
import { EventPublisher } from '@tsuzuku/platform-kafka';
import { Clock } from '@tsuzuku/platform-runtime';
import { DeadLetterReader } from './dead-letter.reader';
import {
  DeadLetter,
  DeadLetterFilter,
  Replay,
  matchesFilter,
  parseDeadLetterId,
  planReplay,
  toDeadLetter,
} from './domain/dead-letter';
import { DeadLetterException } from './dead-letter.exception';

/** What a replay re-published, and what it refused. */
export interface ReplayReport {
  readonly replayed: readonly (Replay & { readonly of: string })[];
  readonly refused: readonly { readonly of: string; readonly why: string }[];
}

/** Lists, shows and replays the dead letters of cs.deadletter.v1 and cs.events.dlq.v1. */
@Injectable()
export class DeadLettersService {
  constructor(
    private readonly reader: DeadLetterReader,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
  ) {}

  async list(filter: DeadLetterFilter): Promise<DeadLetter[]> {
    const messages = await this.reader.read(filter.topics, filter.since);
    return messages.map(toDeadLetter).filter((letter) => matchesFilter(letter, filter));
  }

  async show(id: string): Promise<DeadLetter> {
    const at = parseDeadLetterId(id);
    if (!at)
      throw new DeadLetterException(
        'dead_letter_not_found',
        `"${id}" is not <dead-letter topic>/<partition>@<offset>`,
      );
    const message = await this.reader.readOne(at.topic, at.partition, at.offset);
    if (!message)
      throw new DeadLetterException(
        'dead_letter_not_found',
        `no dead letter ${id} (never written, or expired)`,
      );
    return toDeadLetter(message);
  }

  /**
   * Re-publishes the dead letters to their origin topics, each in one awaited send. Those that
   * cannot be replayed are reported, not sent; when none can, it throws.
   */
  async replay(letters: readonly DeadLetter[]): Promise<ReplayReport> {
    const now = this.clock.now();
    const replayed: (Replay & { of: string })[] = [];
    const refused: { of: string; why: string }[] = [];
    for (const letter of letters) {
      const plan = planReplay(letter, now);
      if (plan.ok) replayed.push({ ...plan.replay, of: letter.id });
      else refused.push({ of: letter.id, why: plan.why });
    }
    if (replayed.length === 0 && refused.length > 0)
      throw new DeadLetterException('replay_refused', refused.map((r) => r.why).join('\n'));
    for (const r of replayed)
      await this.publisher.publishRaw(r.topic, [{ key: r.key, value: r.value, headers: r.headers }]);
    return { replayed, refused };
  }
}
