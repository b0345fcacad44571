import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam, returnedRows } from '@tsuzuku/platform-database';
import { ChannelTarget } from './notification-senders';
import { AlertNotification } from './domain/notification-message';

/** A delivery to create: one notification for one channel. */
export interface NewDelivery {
  readonly id: string;
  readonly workspaceId: string;
  readonly channelId: string;
  readonly alertId: string;
  readonly eventType: string;
  readonly payload: AlertNotification;
}

/** A delivery claimed for sending, with what its channel needs. */
export interface ClaimedDelivery {
  id: string;
  attempts: number;
  payload: AlertNotification;
  kind: ChannelTarget['kind'];
  url: string | null;
  recipients: string[];
  secret: string | null;
  previous_secret: string | null;
  previous_valid: boolean;
}

/** A delivery as the API lists it (timestamps still Dates). */
export interface DeliveryListRow {
  id: string;
  channelId: string;
  alertId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastError: string | null;
  lastStatusCode: number | null;
  nextAttemptAt: Date;
  createdAt: Date;
  deliveredAt: Date | null;
}

/** The filters of a delivery page; absent ones do not filter. */
export interface DeliveryPageFilter {
  readonly status?: string;
  readonly alertId?: string;
  readonly channelId?: string;
  readonly before?: { readonly at: string; readonly id: string } | null;
  readonly limit: number;
}

const SQL = defineStatements('alerting.deliveries', {
  insertPending: `
    INSERT INTO alerting.deliveries (id, workspace_id, channel_id, alert_id, event_type, payload, status, next_attempt_at)
    SELECT r.id, r."workspaceId", r."channelId", r."alertId", r."eventType", r.payload, 'pending', now()
    FROM ${recordset({
      id: 'uuid',
      workspaceId: 'text',
      channelId: 'uuid',
      alertId: 'uuid',
      eventType: 'text',
      payload: 'jsonb',
    })}`,
  claimDue: `
    WITH due AS (
      SELECT id FROM alerting.deliveries WHERE status = 'pending' AND next_attempt_at <= now()
      ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
    )
    UPDATE alerting.deliveries d SET attempts = d.attempts + 1,
      next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
    FROM due, alerting.channels c
    WHERE d.id = due.id AND c.id = d.channel_id
    RETURNING d.id, d.attempts, d.payload, c.kind, c.url, c.recipients, c.secret, c.previous_secret,
      coalesce(c.previous_secret_expires_at > now(), false) AS previous_valid`,
  markDelivered: `
    UPDATE alerting.deliveries SET status = 'delivered', delivered_at = now(), last_error = NULL,
      last_status_code = NULL
    WHERE id = $1`,
  markFailed: `
    UPDATE alerting.deliveries SET status = $2, last_error = $3, last_status_code = $5,
      next_attempt_at = coalesce($4, next_attempt_at)
    WHERE id = $1`,
  // Every filter is optional: a null parameter does not filter.
  page: `
    SELECT id, channel_id AS "channelId", alert_id AS "alertId", event_type AS "eventType", status, attempts,
      last_error AS "lastError", last_status_code AS "lastStatusCode", next_attempt_at AS "nextAttemptAt",
      created_at AS "createdAt", delivered_at AS "deliveredAt"
    FROM alerting.deliveries
    WHERE workspace_id = $1
      AND ($2::text IS NULL OR status = $2)
      AND ($3::text IS NULL OR alert_id::text = $3)
      AND ($4::text IS NULL OR channel_id::text = $4)
      AND ($5::timestamptz IS NULL OR (created_at, id) < ($5::timestamptz, $6::uuid))
    ORDER BY created_at DESC, id DESC LIMIT $7`,
});

/** Notification deliveries (alerting.deliveries): created with alert changes, claimed and sent by the worker. */
@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates deliveries due at once, inside the caller's transaction. */
  async insertPending(m: EntityManager, deliveries: readonly NewDelivery[]): Promise<void> {
    if (deliveries.length > 0) await m.query(SQL.insertPending, [recordsetParam(deliveries)]);
  }

  /**
   * Claims up to `limit` due deliveries (skipping rows another instance holds) and leases them:
   * their next attempt moves `leaseMs` ahead, so a crash mid-send only delays them.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    return returnedRows<ClaimedDelivery>(await this.dataSource.query(SQL.claimDue, [limit, leaseMs]));
  }

  async markDelivered(id: string): Promise<void> {
    await this.dataSource.query(SQL.markDelivered, [id]);
  }

  /** Records a failed attempt: still pending with its next attempt, or failed for good. */
  async markFailed(
    id: string,
    outcome: { status: string; error: string; statusCode: number | null; nextAttemptAt: Date | null },
  ): Promise<void> {
    await this.dataSource.query(SQL.markFailed, [
      id,
      outcome.status,
      outcome.error,
      outcome.nextAttemptAt?.toISOString() ?? null,
      outcome.statusCode,
    ]);
  }

  /** A workspace's deliveries, newest first. */
  async page(workspaceId: string, f: DeliveryPageFilter): Promise<DeliveryListRow[]> {
    return this.dataSource.query(SQL.page, [
      workspaceId,
      f.status ?? null,
      f.alertId ?? null,
      f.channelId ?? null,
      f.before?.at ?? null,
      f.before?.id ?? null,
      f.limit,
    ]);
  }
}
