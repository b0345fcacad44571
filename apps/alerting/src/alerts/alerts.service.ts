import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock, readAheadPage } from '@tsuzuku/platform-runtime';
import { ALERTS_CURSOR } from '../shared/page-cursor';
import { isUuid } from '../shared/is-uuid';
import { ManualAction, manualTransition } from './domain/alert-lifecycle';
import { AlertChange, AlertRecord } from './domain/alert-record';
import { AlertRepository } from './alert.repository';
import { AlertWriter } from './alert-writer';
import { AlertsException } from './alerts.exception';
import { AlertHistoryEntryDto, AlertPageDto, ListAlertsQuery } from './dto/alert.dto';

export type AlertWithHistory = AlertRecord & { readonly history: AlertHistoryEntryDto[] };

/** Alerts as the API reads them, and the changes people make to them. */
@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly alerts: AlertRepository,
    private readonly writer: AlertWriter,
    private readonly clock: Clock,
  ) {}

  async list(workspaceId: string, q: ListAlertsQuery): Promise<AlertPageDto> {
    return readAheadPage(
      q.limit ?? 50,
      (count) =>
        this.alerts.page(workspaceId, {
          status: q.status,
          accountId: q.accountId,
          ruleId: q.ruleId,
          ruleType: q.ruleType,
          owner: q.owner,
          severity: q.severity,
          before: q.cursor ?? null,
          limit: count,
        }),
      ALERTS_CURSOR,
      (a) => ({ at: a.openedAt, id: a.id }),
    );
  }

  async get(workspaceId: string, id: string): Promise<AlertWithHistory> {
    const alert = await this.find(workspaceId, id);
    return { ...alert, history: await this.alerts.historyOf(id) };
  }

  /** Acknowledges, snoozes or resolves an alert by hand; 409 when its status does not allow it. */
  async act(
    workspaceId: string,
    id: string,
    action: ManualAction,
    actor: string,
    input: { note?: string; until?: string },
  ): Promise<AlertWithHistory> {
    if (!isUuid(id)) notFound(id);
    await this.dataSource.transaction(async (m) => {
      const alert = await this.alerts.findForUpdate(m, workspaceId, id);
      if (!alert) notFound(id);
      const transition = manualTransition(alert.status, action);
      if (!transition.ok) throw new AlertsException('invalid_transition', transition.problem);
      const now = this.clock.now().toISOString();
      const note = input.note ?? null;
      let change: AlertChange;
      if (action === 'acknowledge')
        change = {
          alert: { ...alert, status: 'acknowledged', acknowledgedAt: now, snoozedUntil: null },
          change: 'acknowledged',
          fromStatus: alert.status,
          actor,
          note,
          detail: {},
        };
      else if (action === 'snooze')
        change = {
          alert: { ...alert, status: 'snoozed', snoozedUntil: new Date(input.until!).toISOString() },
          change: 'snoozed',
          fromStatus: alert.status,
          actor,
          note,
          detail: { until: new Date(input.until!).toISOString() },
        };
      else
        change = {
          alert: {
            ...alert,
            status: 'resolved',
            snoozedUntil: null,
            resolvedAt: now,
            resolution: { kind: 'manual', reason: 'resolved by hand', by: actor, note },
          },
          change: 'resolved',
          fromStatus: alert.status,
          actor,
          note,
          detail: {},
        };
      await this.writer.write(m, [change], () => ({ correlationId: randomUUID(), causationId: null }));
    });
    return this.get(workspaceId, id);
  }

  private async find(workspaceId: string, id: string): Promise<AlertRecord> {
    if (!isUuid(id)) notFound(id);
    return (await this.alerts.find(workspaceId, id)) ?? notFound(id);
  }
}

function notFound(id: string): never {
  // The same answer whether the alert is another workspace's or nobody's.
  throw new AlertsException('alert_not_found', `no alert ${id} in this workspace`);
}
