import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { TouchModel } from '@tsuzuku/contracts';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';
import { StoredScorecard } from '../scoring/ports';
import { Bands, Measure } from './domain/scorecard';

/** What a stored scorecard says, as written (measures and bands already plain). */
export interface ScorecardContent {
  readonly name: string;
  readonly segment: string | null;
  readonly touchModel: TouchModel | null;
  readonly measures: readonly Measure[];
  readonly bands: Bands;
  readonly draft: boolean;
}

interface ScorecardRow {
  id: string;
  workspace_id: string;
  name: string;
  is_default: boolean;
  draft: boolean;
  segment: string | null;
  touch_model: TouchModel | null;
  measures: Measure[];
  bands: Bands;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, workspace_id, name, is_default, draft, segment, touch_model, measures, bands, version, created_at, updated_at';

const SQL = defineStatements('health-scoring.scorecards', {
  insert: `
    INSERT INTO health_scoring.scorecards (id, workspace_id, name, is_default, segment, touch_model, measures, bands, draft)
    VALUES ($1, $2, $3, false, $4, $5, $6::jsonb, $7::jsonb, $8)
    RETURNING ${COLUMNS}`,
  // Two instances may race to create it: the unique index keeps one.
  insertDefault: `
    INSERT INTO health_scoring.scorecards (id, workspace_id, name, is_default, measures, bands)
    VALUES ($1, $2, $3, true, $4::jsonb, $5::jsonb)
    ON CONFLICT DO NOTHING`,
  update: `
    UPDATE health_scoring.scorecards
    SET name = $3, segment = $4, touch_model = $5, measures = $6::jsonb, bands = $7::jsonb, draft = $8,
        version = version + 1, updated_at = now()
    WHERE workspace_id = $1 AND id = $2
    RETURNING ${COLUMNS}`,
  delete: 'DELETE FROM health_scoring.scorecards WHERE workspace_id = $1 AND id = $2',
  lockOne: `SELECT ${COLUMNS} FROM health_scoring.scorecards WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
  listOf: `
    SELECT ${COLUMNS} FROM health_scoring.scorecards
    WHERE workspace_id = $1
    ORDER BY is_default DESC, created_at, id`,
});

/** The scorecards of each workspace, in health_scoring.scorecards; every statement scoped by workspace. */
@Injectable()
export class ScorecardRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a new (non-default) scorecard. */
  async insert(id: string, workspaceId: string, content: ScorecardContent): Promise<StoredScorecard> {
    const [row] = returnedRows<ScorecardRow>(
      await this.dataSource.query(SQL.insert, [id, workspaceId, ...contentParams(content)]),
    );
    return stored(row!);
  }

  /** Stores the workspace's default scorecard unless it has one. */
  async insertDefault(
    id: string,
    workspaceId: string,
    name: string,
    measures: readonly Measure[],
    bands: Bands,
  ): Promise<void> {
    await this.dataSource.query(SQL.insertDefault, [
      id,
      workspaceId,
      name,
      JSON.stringify(measures),
      JSON.stringify(bands),
    ]);
  }

  /** Replaces a scorecard's content and counts a new version. */
  async update(
    m: EntityManager,
    workspaceId: string,
    id: string,
    content: ScorecardContent,
  ): Promise<StoredScorecard> {
    const [row] = returnedRows<ScorecardRow>(
      await m.query(SQL.update, [workspaceId, id, ...contentParams(content)]),
    );
    return stored(row!);
  }

  async delete(m: EntityManager, workspaceId: string, id: string): Promise<void> {
    await m.query(SQL.delete, [workspaceId, id]);
  }

  /** Locks and reads one scorecard; null when the workspace has none with this id. */
  async lockOne(m: EntityManager, workspaceId: string, id: string): Promise<StoredScorecard | null> {
    const [row] = (await m.query(SQL.lockOne, [workspaceId, id])) as ScorecardRow[];
    return row ? stored(row) : null;
  }

  /** The workspace's scorecards, the default first, then by creation. */
  async listOf(workspaceId: string): Promise<StoredScorecard[]> {
    return ((await this.dataSource.query(SQL.listOf, [workspaceId])) as ScorecardRow[]).map(stored);
  }
}

/** A scorecard's content as the parameters that follow its two keys in insert and update. */
function contentParams(content: ScorecardContent): unknown[] {
  return [
    content.name,
    content.segment,
    content.touchModel,
    JSON.stringify(content.measures),
    JSON.stringify(content.bands),
    content.draft,
  ];
}

function stored(row: ScorecardRow): StoredScorecard {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    isDefault: row.is_default,
    draft: row.draft,
    segment: row.segment,
    touchModel: row.touch_model,
    measures: row.measures,
    bands: row.bands,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
