import { Injectable, Logger } from '@nestjs/common';
import { AnyEventEnvelope, parseEnvelope } from '@tsuzuku/contracts';
import { KafkaConnection } from '@tsuzuku/platform-kafka';
import { READ_MODEL_TOPICS, REBUILD_GROUP_PREFIX } from './consumer-groups';
import { READ_MODEL_INBOX, ReadModelWriter } from './read-model.writer';
import { ReadModelsRepository } from './read-models.repository';

/** Every read model table: emptied by a rebuild. The settings are configuration, not read models, and stay. */

const RUN = 2000;
const ATTEMPTS = 3;

export interface RebuildResult {
  readonly groupId: string;
  /** The workspace rebuilt; null: every workspace. */
  readonly workspaceId: string | null;
  readonly events: number;
  readonly skipped: number;
  /** Messages of other workspaces passed over (by their key, unparsed) in a one-workspace rebuild. */
  readonly otherWorkspaces: number;
  readonly seconds: number;
}

/** Whether a message may be of the workspace: its key is `workspaceId` or starts with `workspaceId:` (contracts' messageKey). */
const mayBeOf = (key: Buffer | null, workspaceId: string): boolean => {
  if (key === null) return true;
  const text = key.toString('utf8');
  return text === workspaceId || text.startsWith(`${workspaceId}:`);
};

/**
 * Empties the read models and replays every topic they are built from, from the beginning, up
 * to the end each partition had when the rebuild started, under a consumer group of its own
 * (deleted afterwards). The writer is the live consumer's, so the result is what the live
 * service would have built; a message that breaks its contract is skipped, as the live
 * consumer sends it to the dead-letter topic.
 *
 * With a workspace, only its rows are deleted and only its messages applied: the topics are
 * still read from the beginning (Kafka has no index by workspace), but another workspace's
 * messages are passed over by their key, neither parsed nor written, and its read models are
 * not touched. The inbox entries of the workspace's events are forgotten as they are replayed.
 */
@Injectable()
export class RebuildRunner {
  private readonly logger = new Logger(RebuildRunner.name);

  constructor(
    private readonly readModels: ReadModelsRepository,
    private readonly connection: KafkaConnection,
    private readonly writer: ReadModelWriter,
  ) {}

  async run(options: { workspaceId?: string } = {}): Promise<RebuildResult> {
    const workspaceId = options.workspaceId ?? null;
    const started = Date.now();
    const admin = this.connection.kafka.admin();
    await admin.connect();
    const groupId = `${REBUILD_GROUP_PREFIX}.${started}`;
    try {
      // Emptied before the ends are read: an event the live consumer applies in between is
      // then replayed too (idempotently), never lost.
      if (workspaceId === null) await this.readModels.truncateAll();
      else await this.readModels.deleteWorkspace(workspaceId);
      // What is left to read: partition → the offset of its last message when we started.
      const remaining = new Map<string, bigint>();
      for (const topic of READ_MODEL_TOPICS)
        for (const o of await admin.fetchTopicOffsets(topic))
          if (BigInt(o.high) > BigInt(o.low)) remaining.set(`${topic}/${o.partition}`, BigInt(o.high) - 1n);
      this.logger.log(
        `read models ${workspaceId === null ? '' : `of workspace ${workspaceId} `}emptied; replaying ${remaining.size} partition(s) under ${groupId}`,
      );
      let events = 0;
      let skipped = 0;
      let otherWorkspaces = 0;
      if (remaining.size > 0) {
        const consumer = this.connection.kafka.consumer({
          groupId,
          maxWaitTimeInMs: 500,
          maxBytesPerPartition: 4 * 1024 * 1024,
        });
        let finish!: () => void;
        let fail!: (error: unknown) => void;
        const done = new Promise<void>((resolve, reject) => {
          finish = resolve;
          fail = reject;
        });
        await consumer.connect();
        await consumer.subscribe({ topics: [...READ_MODEL_TOPICS], fromBeginning: true });
        await consumer.run({
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
            const key = `${batch.topic}/${batch.partition}`;
            const last = remaining.get(key);
            if (last === undefined) return;
            const wanted = batch.messages.filter((m) => BigInt(m.offset) <= last);
            for (let i = 0; i < wanted.length; i += RUN) {
              const run = wanted.slice(i, i + RUN);
              const envelopes: AnyEventEnvelope[] = [];
              for (const message of run) {
                if (workspaceId !== null && !mayBeOf(message.key, workspaceId)) {
                  otherWorkspaces++;
                  continue;
                }
                const parsed = parseEnvelope(message.value);
                if (!parsed.ok) skipped++;
                else if (workspaceId !== null && parsed.envelope.workspaceId !== workspaceId)
                  otherWorkspaces++;
                else envelopes.push(parsed.envelope);
              }
              try {
                if (workspaceId !== null) await this.forget(envelopes);
                await this.applyWithRetries(envelopes);
              } catch (error) {
                fail(error);
                throw error;
              }
              events += envelopes.length;
              resolveOffset(run[run.length - 1]!.offset);
              await heartbeat();
            }
            const reached =
              batch.messages.length > 0 && BigInt(batch.messages[batch.messages.length - 1]!.offset) >= last;
            if (reached) {
              remaining.delete(key);
              if (remaining.size === 0) finish();
            }
          },
        });
        try {
          await done;
        } finally {
          await consumer.disconnect();
        }
      }
      await admin.deleteGroups([groupId]).catch(() => undefined);
      const result = {
        groupId,
        workspaceId,
        events,
        skipped,
        otherWorkspaces,
        seconds: (Date.now() - started) / 1000,
      };
      this.logger.log(
        `rebuild done: ${events} events in ${result.seconds} s (${skipped} skipped, ${otherWorkspaces} of other workspaces passed over)`,
      );
      return result;
    } finally {
      await admin.disconnect();
    }
  }

  /** Forgets that the read models processed these events, so that the writer applies them again. */
  private async forget(envelopes: readonly AnyEventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    await this.readModels.forgetInbox(
      READ_MODEL_INBOX,
      envelopes.map((e) => e.id),
    );
  }

  private async applyWithRetries(envelopes: readonly AnyEventEnvelope[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.writer.apply(envelopes);
        return;
      } catch (error) {
        if (attempt >= ATTEMPTS) throw error;
        this.logger.warn(`a run failed (attempt ${attempt}/${ATTEMPTS}): ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }
}
