import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EventCause, envelopeMessage } from '@tsuzuku/contracts';
import { OutboxMessage, enqueueOutbox } from '@tsuzuku/platform-database';
import { Clock } from '@tsuzuku/platform-runtime';
import { AlertingConfig } from '../config/alerting.config';
import { channelsFor } from '../notifications/domain/channel-routing';
import { accountResourceUrl, alertNotification } from '../notifications/domain/notification-message';
import { ChannelRepository } from '../notifications/channel.repository';
import { DeliveryRepository, NewDelivery } from '../notifications/delivery.repository';
import { DeliveryWake } from '../notifications/delivery-wake';
import { alertingDatabase } from '../database/alerting.database';
import { AccountSnapshot, accountKeyOf, sortedKeys } from './domain/alert-evaluation';
import { AlertChange, alertEventData, alertEventType } from './domain/alert-record';
import { AccountSnapshotRepository } from './account-snapshot.repository';
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
    private readonly accounts: AccountSnapshotRepository,
    private readonly config: AlertingConfig,
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
    // The account as it stands (its segment travels with the alert; channels name the account).
    const snapshots = new Map(
      (await this.accounts.snapshotsOf(m, sortedKeys(written.map((c) => c.alert)))).map(
        (s): [string, AccountSnapshot] => [accountKeyOf(s), s],
      ),
    );
    const accountOf = (c: AlertChange) => snapshots.get(accountKeyOf(c.alert))?.snapshot ?? null;
    await enqueueOutbox(
      m,
      alertingDatabase.schema,
      written.map((c) => outboxMessage(c, accountOf(c)?.segment ?? null, cause(c), now)),
    );
    await this.createDeliveries(m, written, accountOf);
    return written;
  }

  private async createDeliveries(
    m: EntityManager,
    written: readonly AlertChange[],
    accountOf: (c: AlertChange) => AccountSnapshot['snapshot'] | null,
  ): Promise<void> {
    const workspaces = [...new Set(written.map((c) => c.alert.workspaceId))];
    const channels = await this.channels.enabledRoutes(m, workspaces);
    if (channels.length === 0) return;
    const deliveries: NewDelivery[] = [];
    for (const c of written) {
      const account = accountOf(c);
      const data = alertEventData(c.alert, c.change, account?.segment ?? null);
      const notification = alertNotification(
        alertEventType(c.change),
        c.alert.workspaceId,
        c.alert.accountId,
        data,
        {
          name: account?.name ?? null,
          mrr: account?.mrr ?? null,
          renewalDate: account?.renewalDate ?? null,
          url: accountResourceUrl(this.config.PUBLIC_API_BASE_URL, c.alert.accountId),
        },
      );
      for (const channel of channelsFor(channels, c.alert.workspaceId, data))
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

function outboxMessage(c: AlertChange, segment: string | null, cause: ChangeCause, now: Date): OutboxMessage {
  return envelopeMessage(
    alertEventType(c.change),
    'alerting',
    c.alert,
    alertEventData(c.alert, c.change, segment),
    cause,
    now,
  );
}
