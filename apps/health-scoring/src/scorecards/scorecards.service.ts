import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { sameTraitValue, type TouchModel } from '@tsuzuku/contracts';
import { ScorecardDirectory, StoredScorecard } from '../scoring/ports';
import { WorkspaceCache, pickFields } from '@tsuzuku/platform-runtime';
import { OutboxRelay } from '@tsuzuku/platform-kafka';
import {
  WORKSPACE_CHANGED_CHANNEL,
  changedWorkspace,
  notifyWorkspaceChanged,
} from '@tsuzuku/platform-database';
import { HealthScoringConfig } from '../config/health-scoring.config';
import { Bands, Measure, ScoringMethod } from './domain/scorecard';
import { ScorecardProblem, validateScorecard } from './domain/scorecard-validation';
import { DEFAULT_SCORECARD_BANDS, DEFAULT_SCORECARD_NAME, defaultMeasures } from './domain/default-scorecard';
import { ScorecardException } from './scorecard.exception';
import { ScorecardContent, ScorecardRepository } from './scorecard.repository';

/** A whole scorecard as a caller defines it. */
export interface ScorecardInput {
  readonly name: string;
  readonly segment: string | null;
  readonly touchModel: TouchModel | null;
  readonly measures: readonly Measure[];
  readonly bands: Bands;
  /** A draft scores nothing until published; it may have no audience (then it would replace the default's measures). */
  readonly draft: boolean;
}

/** What a patch may change; what is absent stays. */
export interface ScorecardPatch {
  readonly name?: string;
  readonly measures?: readonly Measure[];
  readonly bands?: Bands;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The scorecards of each workspace, in health_scoring.scorecards: CRUD, and the directory the
 * scoring reads (cached per workspace, dropped on every change made here). Every query is
 * scoped by workspace: another workspace's scorecard is simply not found.
 */
const CACHE_NAME = 'health_scoring.scorecards';

@Injectable()
export class ScorecardsService extends ScorecardDirectory {
  /**
   * This replica's changes are seen here at once; another's when its notification arrives, and
   * within WORKSPACE_CACHE_TTL_MS should the notification be lost.
   */
  private readonly logger = new Logger('ScorecardsService');
  private readonly cache: WorkspaceCache<readonly StoredScorecard[]>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: ScorecardRepository,
    config: HealthScoringConfig,
    relay: OutboxRelay,
  ) {
    super();
    this.cache = new WorkspaceCache(config.WORKSPACE_CACHE_TTL_MS);
    relay.onNotification(WORKSPACE_CHANGED_CHANNEL, (payload) => {
      const workspaceId = changedWorkspace(CACHE_NAME, payload);
      if (workspaceId !== undefined) this.cache.forget(workspaceId);
    });
  }

  override scorecardsOf(workspaceId: string): Promise<readonly StoredScorecard[]> {
    return this.cache.get(workspaceId, (id) => this.load(id));
  }

  /** One scorecard of the workspace; 404 when it has none with this id. */
  async get(workspaceId: string, id: string): Promise<StoredScorecard> {
    const found = (await this.scorecardsOf(workspaceId)).find((s) => s.id === id);
    if (!found) throw notFound(id);
    return found;
  }

  /**
   * A new scorecard for a segment and/or touch model (409 when the audience has one already), or a
   * draft, with or without an audience.
   */
  async create(workspaceId: string, input: ScorecardInput): Promise<StoredScorecard> {
    check(input, false);
    await this.checkAudienceFree(workspaceId, input, null);
    try {
      return await this.repository.insert(randomUUID(), workspaceId, plainContent(input));
    } catch (error) {
      throw audienceConflict(error, input) ?? error;
    } finally {
      await this.invalidate(workspaceId);
    }
  }

  /**
   * Replaces a scorecard whole (its audience too, except the default's, which has none); a draft
   * stays a draft and a live one live (`input.draft` is not read: publish decides that).
   */
  async replace(workspaceId: string, id: string, input: ScorecardInput): Promise<StoredScorecard> {
    const current = await this.get(workspaceId, id);
    await this.checkAudienceFree(workspaceId, { ...input, draft: current.draft }, id);
    return this.change(workspaceId, id, (locked) => {
      const next = { ...input, draft: locked.draft };
      check(next, locked.isDefault);
      return next;
    });
  }

  /**
   * Publishes a draft: with an audience it goes live for it (409 when a live scorecard has that
   * audience); without one, its measures and bands become the default scorecard's and the draft
   * is removed. Answers the scorecard that now scores the accounts; 409 for a scorecard that is
   * not a draft.
   */
  async publish(workspaceId: string, id: string): Promise<StoredScorecard> {
    if (!UUID.test(id)) throw notFound(id);
    const draft = await this.get(workspaceId, id);
    if (!draft.draft) throw notADraft(id);
    const audience = draft.segment !== null || draft.touchModel !== null;
    if (audience) await this.checkAudienceFree(workspaceId, { ...draft, draft: false }, id);
    try {
      return await this.dataSource.transaction(async (m) => {
        const locked = (await this.repository.lockOne(m, workspaceId, id)) ?? throwNotFound(id);
        if (!locked.draft) throw notADraft(id);
        if (audience)
          return await this.repository.update(m, workspaceId, id, plainContent({ ...locked, draft: false }));
        const defaultCard = (await this.scorecardsOf(workspaceId)).find((s) => s.isDefault)!;
        const current =
          (await this.repository.lockOne(m, workspaceId, defaultCard.id)) ?? throwNotFound(defaultCard.id);
        const published = await this.repository.update(
          m,
          workspaceId,
          current.id,
          plainContent({ ...current, measures: locked.measures, bands: locked.bands, draft: false }),
        );
        await this.repository.delete(m, workspaceId, id);
        return published;
      });
    } catch (error) {
      throw audienceConflict(error, draft) ?? error;
    } finally {
      await this.invalidate(workspaceId);
    }
  }

  /** Changes a scorecard's name, measures and/or bands. */
  async patch(workspaceId: string, id: string, patch: ScorecardPatch): Promise<StoredScorecard> {
    if (patch.name === undefined && patch.measures === undefined && patch.bands === undefined)
      throw new ScorecardException(
        'invalid_scorecard',
        'nothing to change: send name, measures and/or bands',
      );
    return this.change(workspaceId, id, (current) => {
      const next: ScorecardInput = {
        name: patch.name ?? current.name,
        segment: current.segment,
        touchModel: current.touchModel,
        measures: patch.measures ?? current.measures,
        bands: patch.bands ?? current.bands,
        draft: current.draft,
      };
      check(next, current.isDefault);
      return next;
    });
  }

  /** Deletes a scorecard; its accounts fall back to another one. The default is kept: 409. */
  async remove(workspaceId: string, id: string): Promise<StoredScorecard> {
    if (!UUID.test(id)) throw notFound(id);
    try {
      return await this.dataSource.transaction(async (m) => {
        const current = (await this.repository.lockOne(m, workspaceId, id)) ?? throwNotFound(id);
        if (current.isDefault)
          throw new ScorecardException(
            'default_scorecard_kept',
            'the default scorecard cannot be deleted: it scores every account no other scorecard claims',
          );
        await this.repository.delete(m, workspaceId, id);
        return current;
      });
    } finally {
      await this.invalidate(workspaceId);
    }
  }

  /**
   * 409 when another scorecard of the workspace has the same audience, its segment compared
   * without regard to case ("SMB" is the segment smb). The unique index catches a concurrent twin
   * of the same spelling.
   */
  private async checkAudienceFree(
    workspaceId: string,
    input: ScorecardInput,
    id: string | null,
  ): Promise<void> {
    if (input.draft || (input.segment === null && input.touchModel === null)) return;
    const twin = (await this.scorecardsOf(workspaceId)).find(
      (s) =>
        s.id !== id &&
        !s.isDefault &&
        !s.draft &&
        sameTraitValue(s.segment, input.segment) &&
        s.touchModel === input.touchModel,
    );
    if (twin) throw audienceConflict({ code: '23505', constraint: 'scorecards_one_per_audience' }, input)!;
  }

  /** Forgets and tells the other replicas to forget the cached scorecards of a workspace. */
  async invalidate(workspaceId: string): Promise<void> {
    this.cache.forget(workspaceId);
    // The other replicas drop theirs; should this fail, they see the change within the TTL.
    await notifyWorkspaceChanged(this.dataSource, CACHE_NAME, workspaceId).catch((error: unknown) =>
      this.logger.warn(`could not announce the change of ${workspaceId}: ${(error as Error).message}`),
    );
  }

  private async change(
    workspaceId: string,
    id: string,
    next: (current: StoredScorecard) => ScorecardInput,
  ): Promise<StoredScorecard> {
    if (!UUID.test(id)) throw notFound(id);
    let input: ScorecardInput | undefined;
    try {
      return await this.dataSource.transaction(async (m) => {
        const current = (await this.repository.lockOne(m, workspaceId, id)) ?? throwNotFound(id);
        input = next(current);
        return await this.repository.update(m, workspaceId, id, plainContent(input));
      });
    } catch (error) {
      throw (input && audienceConflict(error, input)) ?? error;
    } finally {
      await this.invalidate(workspaceId);
    }
  }

  /** The workspace's scorecards, default first; creates the default one when there is none. */
  private async load(workspaceId: string): Promise<readonly StoredScorecard[]> {
    let rows = await this.repository.listOf(workspaceId);
    if (!rows.some((r) => r.isDefault)) {
      // Two instances may race to create it: the unique index keeps one, and both read it back.
      await this.repository.insertDefault(
        randomUUID(),
        workspaceId,
        DEFAULT_SCORECARD_NAME,
        defaultMeasures(),
        DEFAULT_SCORECARD_BANDS,
      );
      rows = await this.repository.listOf(workspaceId);
    }
    return Object.freeze(rows);
  }
}

/** Refuses an invalid scorecard with every problem and its path. */
function check(input: ScorecardInput, isDefault: boolean): void {
  const problems: ScorecardProblem[] = [];
  if (isDefault) {
    const why = 'the default scorecard scores every account no other scorecard claims: it has no audience';
    if (input.segment !== null) problems.push({ path: 'segment', message: why });
    if (input.touchModel !== null) problems.push({ path: 'touchModel', message: why });
  } else if (!input.draft && input.segment === null && input.touchModel === null) {
    problems.push({
      path: 'segment',
      message:
        'a scorecard needs a segment, a touch model or both (the default scorecard scores the rest); only a draft may have neither',
    });
  }
  problems.push(...validateScorecard(input));
  if (problems.length > 0)
    throw new ScorecardException('invalid_scorecard', 'the scorecard is invalid', problems);
}

function notADraft(id: string): ScorecardException {
  return new ScorecardException('not_a_draft', `scorecard ${id} is live already: only a draft is published`);
}

function throwNotFound(id: string): never {
  throw notFound(id);
}

function notFound(id: string): ScorecardException {
  return new ScorecardException('scorecard_not_found', `no scorecard ${id} in this workspace`);
}

/** The 409 for a unique violation of the one-scorecard-per-audience index, else undefined. */
function audienceConflict(
  error: unknown,
  input: Pick<ScorecardInput, 'segment' | 'touchModel'>,
): ScorecardException | undefined {
  const e = error as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  };
  const code = e.driverError?.code ?? e.code;
  const constraint = e.driverError?.constraint ?? e.constraint;
  if (code !== '23505' || constraint !== 'scorecards_one_per_audience') return undefined;
  const audience = [
    input.segment !== null ? `segment "${input.segment}"` : undefined,
    input.touchModel !== null ? `touch model "${input.touchModel}"` : undefined,
  ]
    .filter(Boolean)
    .join(' and ');
  return new ScorecardException(
    'scorecard_audience_taken',
    `the workspace already has a scorecard for ${audience}: change that one instead`,
  );
}

/** The content to store: only the fields a measure and bands have, whatever the caller's objects carried. */
function plainContent(input: ScorecardInput): ScorecardContent {
  return {
    name: input.name,
    segment: input.segment,
    touchModel: input.touchModel,
    measures: input.measures.map(plainMeasure),
    bands: plainBands(input.bands),
    draft: input.draft,
  };
}

/** A measure's fields in the order they are stored, its method's place among them. */
const MEASURE_FIELDS = ['id', 'label', 'category', 'metric', 'method', 'direction', 'weight'] as const;

/** Only the fields a measure has, whatever the caller's object carried. */
function plainMeasure(m: Measure): Measure {
  return { ...pickFields(m, MEASURE_FIELDS), method: plainMethod(m.method) };
}

function plainMethod(method: ScoringMethod): ScoringMethod {
  switch (method.kind) {
    case 'ranges':
      return {
        kind: 'ranges',
        ranges: method.ranges.map((r) => ({
          ...(r.from !== undefined ? { from: r.from } : {}),
          ...(r.to !== undefined ? { to: r.to } : {}),
          points: r.points,
        })),
      };
    case 'trend':
      return { kind: 'trend', days: method.days, fullAt: method.fullAt };
    case 'boolean':
      return { kind: 'boolean', threshold: method.threshold };
    case 'percentile':
      return { kind: 'percentile' };
  }
}

function plainBands(bands: Bands): Bands {
  return pickFields(bands, ['red', 'yellow']);
}
