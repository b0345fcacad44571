import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';
import { ChannelFilters } from './domain/channel-routing';

/** A channel as alerting.channels stores it (secrets included: never answered as is). */
export interface ChannelRow {
  id: string;
  name: string;
  kind: 'webhook' | 'slack' | 'email';
  url: string | null;
  recipients: string[];
  secret: string | null;
  previous_secret_expires_at: Date | null;
  filters: ChannelFilters;
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

/** What a channel is made of, as written. */
export interface ChannelFields {
  readonly name: string;
  readonly kind: ChannelRow['kind'];
  readonly url: string | null;
  readonly recipients: readonly string[] | null;
  readonly secret: string | null;
  readonly filters: ChannelFilters;
  readonly enabled: boolean;
}

const COLUMNS = `id, name, kind, url, recipients, secret, previous_secret_expires_at, filters, enabled, created_at, updated_at`;

const SQL = defineStatements('alerting.channels', {
  listOfWorkspace: `SELECT ${COLUMNS} FROM alerting.channels WHERE workspace_id = $1 ORDER BY created_at, id`,
  byId: `SELECT ${COLUMNS} FROM alerting.channels WHERE workspace_id = $1 AND id = $2`,
  insert: `
    INSERT INTO alerting.channels (id, workspace_id, name, kind, url, recipients, secret, filters, enabled)
    VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9) RETURNING ${COLUMNS}`,
  replace: `
    UPDATE alerting.channels SET name = $3, kind = $4, url = $5, recipients = $6::text[], secret = $7,
      filters = $8, enabled = $9, updated_at = now()
    WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
  delete: `DELETE FROM alerting.channels WHERE workspace_id = $1 AND id = $2`,
  rotateSecret: `
    UPDATE alerting.channels SET previous_secret = secret, secret = $3,
      previous_secret_expires_at = now() + make_interval(mins => $4), updated_at = now()
    WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
  enabledRoutes: `SELECT id, workspace_id AS "workspaceId", filters FROM alerting.channels
    WHERE workspace_id = ANY($1) AND enabled`,
});

/** Notification channels (alerting.channels). */
@Injectable()
export class ChannelRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(workspaceId: string): Promise<ChannelRow[]> {
    return this.dataSource.query(SQL.listOfWorkspace, [workspaceId]);
  }

  async find(workspaceId: string, id: string): Promise<ChannelRow | null> {
    const [row]: ChannelRow[] = await this.dataSource.query(SQL.byId, [workspaceId, id]);
    return row ?? null;
  }

  async insert(workspaceId: string, id: string, c: ChannelFields): Promise<ChannelRow> {
    const [row]: ChannelRow[] = await this.dataSource.query(SQL.insert, [id, workspaceId, ...fieldParams(c)]);
    return row!;
  }

  /** Replaces a channel's fields; null when the workspace has no such channel. */
  async replace(workspaceId: string, id: string, c: ChannelFields): Promise<ChannelRow | null> {
    const [row] = returnedRows<ChannelRow>(
      await this.dataSource.query(SQL.replace, [workspaceId, id, ...fieldParams(c)]),
    );
    return row ?? null;
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    await this.dataSource.query(SQL.delete, [workspaceId, id]);
  }

  /** Sets a new secret, keeping the current one valid for `previousValidForMinutes`. */
  async rotateSecret(
    workspaceId: string,
    id: string,
    secret: string,
    previousValidForMinutes: number,
  ): Promise<ChannelRow | null> {
    const [row] = returnedRows<ChannelRow>(
      await this.dataSource.query(SQL.rotateSecret, [workspaceId, id, secret, previousValidForMinutes]),
    );
    return row ?? null;
  }

  /** The enabled channels of these workspaces and their filters, for routing alert changes. */
  async enabledRoutes(
    m: EntityManager,
    workspaceIds: readonly string[],
  ): Promise<{ id: string; workspaceId: string; filters: ChannelFilters }[]> {
    return m.query(SQL.enabledRoutes, [workspaceIds]);
  }
}

function fieldParams(c: ChannelFields): unknown[] {
  return [c.name, c.kind, c.url, c.recipients, c.secret, JSON.stringify(c.filters), c.enabled];
}
