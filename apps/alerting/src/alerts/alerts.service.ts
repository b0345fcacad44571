import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ALERTS_CURSOR } from '../shared/page-cursor';
import { isUuid } from '../rules/rules.store';
import { ManualAction, manualTransition } from './domain/alert-lifecycle';
import { ALERT_COLUMNS, AlertRecord, alertRecordOf } from './alert-record';
import { AlertChange, AlertWriter } from './alert-writer';
import { AlertsException, AlertsExceptionCode } from './alerts.exception';
import { AlertHistoryEntryDto, AlertPageDto, ListAlertsQuery } from './dto/alert.dto';

export type AlertWithHistory = AlertRecord & { readonly history: AlertHistoryEntryDto[] };

/** Alerts as the API reads them, and the changes people make to them. */
@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly writer: AlertWriter,
  ) {}

  async list(workspaceId: string, q: ListAlertsQuery): Promise<AlertPageDto> {
    const limit = q.limit ?? 50;
    const where = ['a.workspace_id = $1'];
    const params: unknown[] = [workspaceId];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.status) add('a.status = ANY(?)', q.status);
    if (q.accountId) add('a.account_id = ?', q.accountId);
    if (q.ruleId) add('a.rule_id = ?', q.ruleId);
    if (q.ruleType) add('a.rule_type = ANY(?)', q.ruleType);
    if (q.owner) add('lower(a.owner) = lower(?)', q.owner);
    if (q.severity) add('a.severity = ANY(?)', q.severity);
    const cursor = q.cursor ?? null;
    if (cursor) {
      params.push(cursor.at, cursor.id);
      where.push(`(a.opened_at, a.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${ALERT_COLUMNS} FROM alerting.alerts a WHERE ${where.join(' AND ')}
       ORDER BY a.opened_at DESC, a.id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit).map(alertRecordOf);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        rows.length > limit && last ? ALERTS_CURSOR.encode({ at: last.openedAt, id: last.id }) : null,
    };
  }

  async get(workspaceId: string, id: string): Promise<AlertWithHistory> {
    const alert = await this.find(workspaceId, id);
    const history: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT at, change, from_status AS "fromStatus", to_status AS "toStatus", actor, note, detail
       FROM alerting.alert_history WHERE alert_id = $1 ORDER BY id`,
      [id],
    );
    return {
      ...alert,
      history: history.map((h) => ({
        ...(h as unknown as AlertHistoryEntryDto),
        at: (h['at'] as Date).toISOString(),
      })),
    };
  }

  /** Acknowledges, snoozes or resolves an alert by hand; 409 when its status does not allow it. */
  async act(
    workspaceId: string,
    id: string,
    action: ManualAction,
    actor: string,
    input: { note?: string; until?: string },
  ): Promise<AlertWithHistory> {
    if (!isUuid(id)) throw notFound(id);
    await this.dataSource.transaction(async (m) => {
      const [row]: Record<string, unknown>[] = await m.query(
        `SELECT ${ALERT_COLUMNS} FROM alerting.alerts a WHERE a.workspace_id = $1 AND a.id = $2 FOR UPDATE`,
        [workspaceId, id],
      );
      if (!row) throw notFound(id);
      const alert = alertRecordOf(row);
      const transition = manualTransition(alert.status, action);
      if (!transition.ok)
        throw new AlertsException(AlertsExceptionCode.InvalidTransition, transition.problem);
      const now = new Date().toISOString();
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
    if (!isUuid(id)) throw notFound(id);
    const [row]: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${ALERT_COLUMNS} FROM alerting.alerts a WHERE a.workspace_id = $1 AND a.id = $2`,
      [workspaceId, id],
    );
    if (!row) throw notFound(id);
    return alertRecordOf(row);
  }
}

function notFound(id: string): AlertsException {
  // The same answer whether the alert is another workspace's or nobody's.
  return new AlertsException(AlertsExceptionCode.AlertNotFound, `no alert ${id} in this workspace`);
}
