import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { TouchModel } from '@tsuzuku/contracts';
import { ScorecardDirectory, StoredScorecard } from '../scoring/ports';
import { WorkspaceCache } from '@tsuzuku/platform-runtime';
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
import { ScorecardException, ScorecardExceptionCode } from './scorecard.exception';

/** A whole scorecard as a caller defines it. */
export interface ScorecardInput {
  readonly name: string;
  readonly segment: string | null;
  readonly touchModel: TouchModel | null;
  readonly measures: readonly Measure[];
  readonly bands: Bands;
}

/** What a patch may change; what is absent stays. */
export interface ScorecardPatch {
  readonly name?: string;
  readonly measures?: readonly Measure[];
  readonly bands?: Bands;
}

interface ScorecardRow {
  id: string;
  workspace_id: string;
  name: string;
  is_default: boolean;
  segment: string | null;
  touch_model: TouchModel | null;
  measures: Measure[];
  bands: Bands;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, workspace_id, name, is_default, segment, touch_model, measures, bands, version, created_at, updated_at';
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

  /** A new scorecard for a segment and/or touch model; 409 when the audience has one already. */
  async create(workspaceId: string, input: ScorecardInput): Promise<StoredScorecard> {
    check(input, false);
    try {
      const [row] = (await this.dataSource.query(
        `INSERT INTO health_scoring.scorecards (id, workspace_id, name, is_default, segment, touch_model, measures, bands)
         VALUES ($1, $2, $3, false, $4, $5, $6::jsonb, $7::jsonb)
         RETURNING ${COLUMNS}`,
        [
          randomUUID(),
          workspaceId,
          input.name,
          input.segment,
          input.touchModel,
          JSON.stringify(input.measures.map(plainMeasure)),
          JSON.stringify(plainBands(input.bands)),
        ],
      )) as ScorecardRow[];
      return stored(row!);
    } catch (error) {
      throw audienceConflict(error, input) ?? error;
    } finally {
      await this.invalidate(workspaceId);
    }
  }

  /** Replaces a scorecard whole (its audience too, except the default's, which has none). */
  async replace(workspaceId: string, id: string, input: ScorecardInput): Promise<StoredScorecard> {
    return this.change(workspaceId, id, (current) => {
      check(input, current.is_default);
      return input;
    });
  }

  /** Changes a scorecard's name, measures and/or bands. */
  async patch(workspaceId: string, id: string, patch: ScorecardPatch): Promise<StoredScorecard> {
    if (patch.name === undefined && patch.measures === undefined && patch.bands === undefined)
      throw new ScorecardException(
        ScorecardExceptionCode.InvalidScorecard,
        'nothing to change: send name, measures and/or bands',
      );
    return this.change(workspaceId, id, (current) => {
      const next: ScorecardInput = {
        name: patch.name ?? current.name,
        segment: current.segment,
        touchModel: current.touch_model,
        measures: patch.measures ?? current.measures,
        bands: patch.bands ?? current.bands,
      };
      check(next, current.is_default);
      return next;
    });
  }

  /** Deletes a scorecard; its accounts fall back to another one. The default is kept: 409. */
  async remove(workspaceId: string, id: string): Promise<StoredScorecard> {
    if (!UUID.test(id)) throw notFound(id);
    try {
      return await this.dataSource.transaction(async (m) => {
        const current = await lockRow(m, workspaceId, id);
        if (current.is_default)
          throw new ScorecardException(
            ScorecardExceptionCode.DefaultScorecardKept,
            'the default scorecard cannot be deleted: it scores every account no other scorecard claims',
          );
        await m.query('DELETE FROM health_scoring.scorecards WHERE workspace_id = $1 AND id = $2', [
          workspaceId,
          id,
        ]);
        return stored(current);
      });
    } finally {
      await this.invalidate(workspaceId);
    }
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
    next: (current: ScorecardRow) => ScorecardInput,
  ): Promise<StoredScorecard> {
    if (!UUID.test(id)) throw notFound(id);
    let input: ScorecardInput | undefined;
    try {
      return await this.dataSource.transaction(async (m) => {
        const current = await lockRow(m, workspaceId, id);
        input = next(current);
        const [rows] = (await m.query(
          `UPDATE health_scoring.scorecards
           SET name = $3, segment = $4, touch_model = $5, measures = $6::jsonb, bands = $7::jsonb,
               version = version + 1, updated_at = now()
           WHERE workspace_id = $1 AND id = $2
           RETURNING ${COLUMNS}`,
          [
            workspaceId,
            id,
            input.name,
            input.segment,
            input.touchModel,
            JSON.stringify(input.measures.map(plainMeasure)),
            JSON.stringify(plainBands(input.bands)),
          ],
        )) as [ScorecardRow[], number];
        return stored(rows[0]!);
      });
    } catch (error) {
      throw (input && audienceConflict(error, input)) ?? error;
    } finally {
      await this.invalidate(workspaceId);
    }
  }

  /** The workspace's scorecards, default first; creates the default one when there is none. */
  private async load(workspaceId: string): Promise<readonly StoredScorecard[]> {
    let rows = await this.select(workspaceId);
    if (!rows.some((r) => r.is_default)) {
      // Two instances may race to create it: the unique index keeps one, and both read it back.
      await this.dataSource.query(
        `INSERT INTO health_scoring.scorecards (id, workspace_id, name, is_default, measures, bands)
         VALUES ($1, $2, $3, true, $4::jsonb, $5::jsonb)
         ON CONFLICT DO NOTHING`,
        [
          randomUUID(),
          workspaceId,
          DEFAULT_SCORECARD_NAME,
          JSON.stringify(defaultMeasures()),
          JSON.stringify(DEFAULT_SCORECARD_BANDS),
        ],
      );
      rows = await this.select(workspaceId);
    }
    return Object.freeze(rows.map(stored));
  }

  private async select(workspaceId: string): Promise<ScorecardRow[]> {
    return (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM health_scoring.scorecards
       WHERE workspace_id = $1
       ORDER BY is_default DESC, created_at, id`,
      [workspaceId],
    )) as ScorecardRow[];
  }
}

async function lockRow(m: EntityManager, workspaceId: string, id: string): Promise<ScorecardRow> {
  const [row] = (await m.query(
    `SELECT ${COLUMNS} FROM health_scoring.scorecards WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
    [workspaceId, id],
  )) as ScorecardRow[];
  if (!row) throw notFound(id);
  return row;
}

/** Refuses an invalid scorecard with every problem and its path. */
function check(input: ScorecardInput, isDefault: boolean): void {
  const problems: ScorecardProblem[] = [];
  if (isDefault) {
    const why = 'the default scorecard scores every account no other scorecard claims: it has no audience';
    if (input.segment !== null) problems.push({ path: 'segment', message: why });
    if (input.touchModel !== null) problems.push({ path: 'touchModel', message: why });
  } else if (input.segment === null && input.touchModel === null) {
    problems.push({
      path: 'segment',
      message: 'a scorecard needs a segment, a touch model or both (the default scorecard scores the rest)',
    });
  }
  problems.push(...validateScorecard(input));
  if (problems.length > 0)
    throw new ScorecardException(
      ScorecardExceptionCode.InvalidScorecard,
      'the scorecard is invalid',
      problems,
    );
}

function notFound(id: string): ScorecardException {
  return new ScorecardException(
    ScorecardExceptionCode.ScorecardNotFound,
    `no scorecard ${id} in this workspace`,
  );
}

/** The 409 for a unique violation of the one-scorecard-per-audience index, else undefined. */
function audienceConflict(error: unknown, input: ScorecardInput): ScorecardException | undefined {
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
    ScorecardExceptionCode.AudienceTaken,
    `the workspace already has a scorecard for ${audience}: change that one instead`,
  );
}

function stored(row: ScorecardRow): StoredScorecard {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    isDefault: row.is_default,
    segment: row.segment,
    touchModel: row.touch_model,
    measures: row.measures,
    bands: row.bands,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Only the fields a measure has, whatever the caller's object carried. */
function plainMeasure(m: Measure): Measure {
  return {
    id: m.id,
    label: m.label,
    category: m.category,
    metric: m.metric,
    method: plainMethod(m.method),
    direction: m.direction,
    weight: m.weight,
  };
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
  return { red: bands.red, yellow: bands.yellow };
}
