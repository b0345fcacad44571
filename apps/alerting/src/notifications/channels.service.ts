import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { maskUrl, unmaskUrl } from '@tsuzuku/contracts';
import { OutboundHttpClient } from '@tsuzuku/platform-runtime';
import { AlertsException, AlertsExceptionCode } from '../alerts/alerts.exception';
import { isUuid } from '../rules/rules.store';
import { DELIVERIES_CURSOR } from '../shared/page-cursor';
import { ChannelFilters, NO_FILTERS } from './domain/channel-routing';
import {
  ChannelDto,
  ChannelInputDto,
  CreatedChannelDto,
  DeliveryPageDto,
  ListDeliveriesQuery,
} from './dto/channel.dto';
import { returning } from '../shared/returning';

interface ChannelRow {
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

const COLUMNS = `id, name, kind, url, recipients, secret, previous_secret_expires_at, filters, enabled, created_at, updated_at`;

/** A fresh webhook signing secret. */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** Notification channels of a workspace; secrets are written, never read back. */
@Injectable()
export class ChannelsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbound: OutboundHttpClient,
  ) {}

  async list(workspaceId: string): Promise<ChannelDto[]> {
    const rows: ChannelRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM alerting.channels WHERE workspace_id = $1 ORDER BY created_at, id`,
      [workspaceId],
    );
    return rows.map(viewOf);
  }

  async get(workspaceId: string, id: string): Promise<ChannelDto> {
    return viewOf(await this.row(workspaceId, id));
  }

  async create(workspaceId: string, input: ChannelInputDto): Promise<CreatedChannelDto> {
    this.checkUrl(input.kind, input.url);
    const secret = input.kind === 'webhook' ? (input.secret ?? newSecret()) : null;
    const [row]: ChannelRow[] = await this.dataSource.query(
      `INSERT INTO alerting.channels (id, workspace_id, name, kind, url, recipients, secret, filters, enabled)
       VALUES ($1, $2, $3, $4, $5, $6::text[], $7, $8, $9) RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        workspaceId,
        input.name,
        input.kind,
        input.kind === 'email' ? null : input.url,
        input.kind === 'email' ? input.recipients : [],
        secret,
        JSON.stringify(filtersOf(input)),
        input.enabled ?? true,
      ],
    );
    return { ...viewOf(row!), ...(secret ? { secret } : {}) };
  }

  /** Replaces a channel; a webhook keeps its secret unless a new one is given. */
  async replace(workspaceId: string, id: string, input: ChannelInputDto): Promise<ChannelDto> {
    const current = await this.row(workspaceId, id);
    // A URL sent back masked, as it was read, keeps the stored one.
    const url =
      input.kind === current.kind ? unmaskUrl(input.url, current.url, maskingOf(current.kind)) : input.url;
    this.checkUrl(input.kind, url);
    const secret = input.kind === 'webhook' ? (input.secret ?? current.secret ?? newSecret()) : null;
    const [row] = returning<ChannelRow>(
      await this.dataSource.query(
        `UPDATE alerting.channels SET name = $3, kind = $4, url = $5, recipients = $6::text[], secret = $7,
         filters = $8, enabled = $9, updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [
          workspaceId,
          id,
          input.name,
          input.kind,
          input.kind === 'email' ? null : url,
          input.kind === 'email' ? input.recipients : [],
          secret,
          JSON.stringify(filtersOf(input)),
          input.enabled ?? true,
        ],
      ),
    );
    return viewOf(row!);
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    await this.row(workspaceId, id);
    await this.dataSource.query(`DELETE FROM alerting.channels WHERE workspace_id = $1 AND id = $2`, [
      workspaceId,
      id,
    ]);
  }

  /**
   * A new signing secret for a webhook channel; the previous one keeps signing beside it for
   * `previousValidForMinutes`, so receivers can switch without refusing a request.
   */
  async rotateSecret(
    workspaceId: string,
    id: string,
    previousValidForMinutes: number,
  ): Promise<CreatedChannelDto> {
    const current = await this.row(workspaceId, id);
    if (current.kind !== 'webhook')
      throw new AlertsException(AlertsExceptionCode.InvalidChannel, 'only webhook channels have a secret', [
        { path: 'kind', message: `is ${current.kind}, not webhook` },
      ]);
    const secret = newSecret();
    const [row] = returning<ChannelRow>(
      await this.dataSource.query(
        `UPDATE alerting.channels SET previous_secret = secret, secret = $3,
         previous_secret_expires_at = now() + make_interval(mins => $4), updated_at = now()
       WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [workspaceId, id, secret, previousValidForMinutes],
      ),
    );
    return { ...viewOf(row!), secret };
  }

  async deliveries(workspaceId: string, q: ListDeliveriesQuery): Promise<DeliveryPageDto> {
    const limit = q.limit ?? 50;
    const where = ['workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.status) add('status = ?', q.status);
    if (q.alertId) add('alert_id::text = ?', q.alertId);
    if (q.channelId) add('channel_id::text = ?', q.channelId);
    const cursor = q.cursor ?? null;
    if (cursor) {
      params.push(cursor.at, cursor.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, channel_id AS "channelId", alert_id AS "alertId", event_type AS "eventType", status, attempts,
         last_error AS "lastError", last_status_code AS "lastStatusCode", next_attempt_at AS "nextAttemptAt", created_at AS "createdAt",
         delivered_at AS "deliveredAt"
       FROM alerting.deliveries WHERE ${where.join(' AND ')}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const iso = (v: unknown) => (v ? (v as Date).toISOString() : null);
    const items = rows.slice(0, limit).map((r) => ({
      ...(r as unknown as DeliveryPageDto['items'][number]),
      nextAttemptAt: iso(r['nextAttemptAt'])!,
      createdAt: iso(r['createdAt'])!,
      deliveredAt: iso(r['deliveredAt']),
    }));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        rows.length > limit && last ? DELIVERIES_CURSOR.encode({ at: last.createdAt, id: last.id }) : null,
    };
  }

  /** The outbound policy, at creation as again at every send: no internal or metadata address. */
  private checkUrl(kind: ChannelInputDto['kind'], url: unknown): void {
    if (kind === 'email' || typeof url !== 'string') return;
    const problem = this.outbound.urlProblem(url);
    if (problem)
      throw new AlertsException(AlertsExceptionCode.InvalidChannel, 'the channel URL may not be called', [
        { path: 'url', message: problem },
      ]);
  }

  private async row(workspaceId: string, id: string): Promise<ChannelRow> {
    const [row]: ChannelRow[] = isUuid(id)
      ? await this.dataSource.query(
          `SELECT ${COLUMNS} FROM alerting.channels WHERE workspace_id = $1 AND id = $2`,
          [workspaceId, id],
        )
      : [];
    if (!row)
      throw new AlertsException(
        AlertsExceptionCode.ChannelNotFound,
        `no notification channel ${id} in this workspace`,
      );
    return row;
  }
}

function filtersOf(input: ChannelInputDto): ChannelFilters {
  const f = input.filters;
  if (!f) return NO_FILTERS;
  return {
    minSeverity: f.minSeverity ?? null,
    severities: f.severities ?? [],
    ruleTypes: f.ruleTypes ?? [],
    owners: f.owners ?? [],
  };
}

/** Slack incoming-webhook URLs carry their credential in the path: it is hidden as well. */
function maskingOf(kind: ChannelRow['kind']): { hidePath: boolean } {
  return { hidePath: kind === 'slack' };
}

function viewOf(row: ChannelRow): ChannelDto {
  const rotating = row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > Date.now();
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    url: row.url === null ? null : maskUrl(row.url, maskingOf(row.kind)),
    recipients: row.recipients,
    filters: row.filters as ChannelDto['filters'],
    enabled: row.enabled,
    secretHint: row.secret ? `…${row.secret.slice(-4)}` : null,
    previousSecretExpiresAt: rotating ? row.previous_secret_expires_at!.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
