import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EventCause, envelopeMessage } from '@tsuzuku/contracts';
import { OutboxMessage, enqueueOutbox } from '@tsuzuku/platform-database';
import { ChannelFilters, routes } from '../notifications/domain/channel-routing';
import { AlertNotification } from '../notifications/domain/notification-message';
import { DeliveryWake } from '../notifications/delivery-wake';
import { AlertChangeKind, AlertRecord, alertEventData, alertEventType } from './alert-record';

export const SCHEMA = 'alerting';

/** One change of one alert: the alert after it, and who or what made it. */
export interface AlertChange {
  readonly alert: AlertRecord;
  readonly change: AlertChangeKind;
  readonly fromStatus: AlertRecord['status'] | null;
  readonly actor: string | null;
  readonly note: string | null;
  readonly detail: Record<string, unknown>;
}

/** Why the changes happened, for the envelopes' correlation and causation ids. */
export type ChangeCause = EventCause;

/**
 * Writes alert changes inside the caller's transaction: the alert rows, a history row per
 * change, the cs.alerts.v1 message in the outbox and a delivery per matching channel. Row,
 * message and deliveries commit together or not at all.
 */
@Injectable()
export class AlertWriter {
  constructor(private readonly wake: DeliveryWake) {}

  /**
   * Inserts raised alerts and updates the others. A raise that meets an alert opened meanwhile
   * for the same account and rule (the partial unique index) is dropped; the returned list holds
   * what was written.
   */
  async write(m: EntityManager, changes: readonly AlertChange[], cause: (c: AlertChange) => ChangeCause) {
    if (changes.length === 0) return [];
    const raised = changes.filter((c) => c.change === 'raised');
    const updated = changes.filter((c) => c.change !== 'raised');
    const written: AlertChange[] = [...updated];
    if (raised.length > 0) {
      const rows: { id: string }[] = await m.query(
        `INSERT INTO alerting.alerts (id, workspace_id, account_id, rule_id, rule_type, rule_name, severity, positive,
           status, owner, title, evidence, occurrences, opened_at, last_seen_at)
         SELECT r.id, r."workspaceId", r."accountId", r."ruleId", r."ruleType", r."ruleName", r.severity, r.positive,
           r.status, r.owner, r.title, r.evidence, r.occurrences, r."openedAt", r."lastSeenAt"
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "workspaceId" text, "accountId" text, "ruleId" uuid,
           "ruleType" text, "ruleName" text, severity text, positive boolean, status text, owner text, title text,
           evidence jsonb, occurrences int, "openedAt" timestamptz, "lastSeenAt" timestamptz)
         ON CONFLICT (workspace_id, account_id, rule_id) WHERE status <> 'resolved' DO NOTHING
         RETURNING id`,
        [JSON.stringify(raised.map((c) => c.alert))],
      );
      const inserted = new Set(rows.map((r) => r.id));
      written.push(...raised.filter((c) => inserted.has(c.alert.id)));
    }
    if (updated.length > 0)
      await m.query(
        `UPDATE alerting.alerts a SET severity = r.severity, rule_name = r."ruleName", status = r.status,
           owner = r.owner, title = r.title, evidence = r.evidence, occurrences = r.occurrences,
           last_seen_at = r."lastSeenAt", acknowledged_at = r."acknowledgedAt", snoozed_until = r."snoozedUntil",
           resolved_at = r."resolvedAt", resolution = r.resolution, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, severity text, "ruleName" text, status text, owner text,
           title text, evidence jsonb, occurrences int, "lastSeenAt" timestamptz, "acknowledgedAt" timestamptz,
           "snoozedUntil" timestamptz, "resolvedAt" timestamptz, resolution jsonb)
         WHERE a.id = r.id`,
        [JSON.stringify(updated.map((c) => c.alert))],
      );
    if (written.length === 0) return written;
    const now = new Date().toISOString();
    await m.query(
      `INSERT INTO alerting.alert_history (alert_id, workspace_id, at, change, from_status, to_status, actor, note, detail)
       SELECT r."alertId", r."workspaceId", r.at, r.change, r."fromStatus", r."toStatus", r.actor, r.note, r.detail
       FROM jsonb_to_recordset($1::jsonb) AS r("alertId" uuid, "workspaceId" text, at timestamptz, change text,
         "fromStatus" text, "toStatus" text, actor text, note text, detail jsonb)`,
      [
        JSON.stringify(
          written.map((c) => ({
            alertId: c.alert.id,
            workspaceId: c.alert.workspaceId,
            at: c.change === 'resolved' ? (c.alert.resolvedAt ?? now) : now,
            change: c.change,
            fromStatus: c.fromStatus,
            toStatus: c.alert.status,
            actor: c.actor,
            note: c.note,
            detail: c.detail,
          })),
        ),
      ],
    );
    await enqueueOutbox(
      m,
      SCHEMA,
      written.map((c) => outboxMessage(c, cause(c))),
    );
    await this.createDeliveries(m, written);
    return written;
  }

  private async createDeliveries(m: EntityManager, written: readonly AlertChange[]): Promise<void> {
    const workspaces = [...new Set(written.map((c) => c.alert.workspaceId))];
    const channels: { id: string; workspace_id: string; filters: ChannelFilters }[] = await m.query(
      `SELECT id, workspace_id, filters FROM alerting.channels WHERE workspace_id = ANY($1) AND enabled`,
      [workspaces],
    );
    if (channels.length === 0) return;
    const deliveries: unknown[] = [];
    for (const c of written) {
      const notification: AlertNotification = {
        type: alertEventType(c.change),
        workspaceId: c.alert.workspaceId,
        accountId: c.alert.accountId,
        alert: alertEventData(c.alert, c.change),
      };
      for (const channel of channels)
        if (channel.workspace_id === c.alert.workspaceId && routes(channel.filters, notification.alert))
          deliveries.push({
            id: randomUUID(),
            workspaceId: c.alert.workspaceId,
            channelId: channel.id,
            alertId: c.alert.id,
            eventType: notification.type,
            payload: notification,
          });
    }
    if (deliveries.length === 0) return;
    await m.query(
      `INSERT INTO alerting.deliveries (id, workspace_id, channel_id, alert_id, event_type, payload, status, next_attempt_at)
       SELECT r.id, r."workspaceId", r."channelId", r."alertId", r."eventType", r.payload, 'pending', now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, "workspaceId" text, "channelId" uuid, "alertId" uuid,
         "eventType" text, payload jsonb)`,
      [JSON.stringify(deliveries)],
    );
    // After the commit the worker finds them at once instead of at its next poll.
    this.wake.soon();
  }
}

function outboxMessage(c: AlertChange, cause: ChangeCause): OutboxMessage {
  return envelopeMessage(
    alertEventType(c.change),
    'alerting',
    c.alert,
    alertEventData(c.alert, c.change),
    cause,
    new Date(),
  );
}
