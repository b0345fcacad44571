import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EventCause, envelopeMessage } from '@tsuzuku/contracts';
import { OutboxMessage, enqueueOutbox } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { routes } from '../notifications/domain/channel-routing';
import { AlertNotification } from '../notifications/domain/notification-message';
import { ChannelRepository } from '../notifications/channel.repository';
import { DeliveryRepository, NewDelivery } from '../notifications/delivery.repository';
import { DeliveryWake } from '../notifications/delivery-wake';
import { alertingDatabase } from '../database/alerting.database';
import { AlertChange, alertEventData, alertEventType } from './domain/alert-record';
import { AlertRepository } from './alert.repository';

/** Why the changes happened, for the envelopes' correlation and causation ids. */
export type ChangeCause = EventCause;

/**
 * Writes alert changes inside the caller's transaction: the alert rows, a history row per
 * change, the cs.alerts.v1 message in the outbox and a delivery per matching channel. Row,
 * message and deliveries commit together or not at all.
 */
@Injectable()
export class AlertWriter {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly channels: ChannelRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly wake: DeliveryWake,
    private readonly clock: Clock,
  ) {}

  /**
   * Inserts raised alerts and updates the others. A raise that meets an alert opened meanwhile
   * for the same account and rule (the partial unique index) is dropped; the returned list holds
   * what was written.
   */
  async write(
    m: EntityManager,
    changes: readonly AlertChange[],
    cause: (c: AlertChange) => ChangeCause,
  ): Promise<AlertChange[]> {
    if (changes.length === 0) return [];
    const raised = changes.filter((c) => c.change === 'raised');
    const updated = changes.filter((c) => c.change !== 'raised');
    const written: AlertChange[] = [...updated];
    const inserted = await this.alerts.insertRaised(
      m,
      raised.map((c) => c.alert),
    );
    written.push(...raised.filter((c) => inserted.has(c.alert.id)));
    await this.alerts.updateMany(
      m,
      updated.map((c) => c.alert),
    );
    if (written.length === 0) return written;
    const now = this.clock.now();
    await this.alerts.insertHistory(
      m,
      written.map((c) => ({
        alertId: c.alert.id,
        workspaceId: c.alert.workspaceId,
        at: c.change === 'resolved' ? (c.alert.resolvedAt ?? now.toISOString()) : now.toISOString(),
        change: c.change,
        fromStatus: c.fromStatus,
        toStatus: c.alert.status,
        actor: c.actor,
        note: c.note,
        detail: c.detail,
      })),
    );
    await enqueueOutbox(
      m,
      alertingDatabase.schema,
      written.map((c) => outboxMessage(c, cause(c), now)),
    );
    await this.createDeliveries(m, written);
    return written;
  }

  private async createDeliveries(m: EntityManager, written: readonly AlertChange[]): Promise<void> {
    const workspaces = [...new Set(written.map((c) => c.alert.workspaceId))];
    const channels = await this.channels.enabledRoutes(m, workspaces);
    if (channels.length === 0) return;
    const deliveries: NewDelivery[] = [];
    for (const c of written) {
      const notification: AlertNotification = {
        type: alertEventType(c.change),
        workspaceId: c.alert.workspaceId,
        accountId: c.alert.accountId,
        alert: alertEventData(c.alert, c.change),
      };
      for (const channel of channels)
        if (channel.workspaceId === c.alert.workspaceId && routes(channel.filters, notification.alert))
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
    await this.deliveries.insertPending(m, deliveries);
    // After the commit the worker finds them at once instead of at its next poll.
    this.wake.soon();
  }
}

function outboxMessage(c: AlertChange, cause: ChangeCause, now: Date): OutboxMessage {
  return envelopeMessage(
    alertEventType(c.change),
    'alerting',
    c.alert,
    alertEventData(c.alert, c.change),
    cause,
    now,
  );
}
