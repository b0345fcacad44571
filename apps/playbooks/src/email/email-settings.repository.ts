import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements, returnedRows } from '@tsuzuku/platform-database';

/** A workspace's SMTP server as stored (the password included: never answered by the API). */
export interface EmailSettingsRow {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly from: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly updatedAt: string;
}

/** What a PUT stores. */
export type EmailSettingsFields = Omit<EmailSettingsRow, 'updatedAt'>;

const COLUMNS = `host, port, secure, from_address AS "from", username, password, updated_at AS "updatedAt"`;

const SQL = defineStatements('playbooks.email-settings', {
  get: `SELECT ${COLUMNS} FROM playbooks.email_settings WHERE workspace_id = $1`,
  put: `
    INSERT INTO playbooks.email_settings AS s (workspace_id, host, port, secure, from_address, username, password, updated_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, now())
    ON CONFLICT (workspace_id) DO UPDATE SET host = EXCLUDED.host, port = EXCLUDED.port, secure = EXCLUDED.secure,
      from_address = EXCLUDED.from_address, username = EXCLUDED.username, password = EXCLUDED.password,
      updated_at = EXCLUDED.updated_at
    RETURNING ${COLUMNS}`,
  delete: 'DELETE FROM playbooks.email_settings WHERE workspace_id = $1 RETURNING workspace_id',
});

function rowOf(r: Record<string, unknown>): EmailSettingsRow {
  return {
    host: r['host'] as string,
    port: Number(r['port']),
    secure: r['secure'] as boolean,
    from: r['from'] as string,
    username: (r['username'] as string | null) ?? null,
    password: (r['password'] as string | null) ?? null,
    updatedAt: (r['updatedAt'] as Date).toISOString(),
  };
}

/** The workspaces' SMTP servers (playbooks.email_settings). */
@Injectable()
export class EmailSettingsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(workspaceId: string): Promise<EmailSettingsRow | undefined> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(SQL.get, [workspaceId]);
    return rows[0] ? rowOf(rows[0]) : undefined;
  }

  async put(workspaceId: string, f: EmailSettingsFields): Promise<EmailSettingsRow> {
    const rows = returnedRows<Record<string, unknown>>(
      await this.dataSource.query(SQL.put, [
        workspaceId,
        f.host,
        f.port,
        f.secure,
        f.from,
        f.username,
        f.password,
      ]),
    );
    return rowOf(rows[0]!);
  }

  /** Whether the workspace had settings to delete. */
  async delete(workspaceId: string): Promise<boolean> {
    return returnedRows(await this.dataSource.query(SQL.delete, [workspaceId])).length > 0;
  }
}
