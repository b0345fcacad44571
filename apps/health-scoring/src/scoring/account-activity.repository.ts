import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam } from '@tsuzuku/platform-database';
import { MrrPoint, NotableEvent, TicketChange } from './domain/event-fold';

const SQL = defineStatements('health-scoring.account-activity', {
  saveTickets: `
    INSERT INTO health_scoring.tickets AS t (workspace_id, ticket_id, account_id, priority, opened_at, resolved_at)
    SELECT * FROM ${recordset({
      workspaceId: 'text',
      ticketId: 'text',
      accountId: 'text',
      priority: 'text',
      openedAt: 'timestamptz',
      resolvedAt: 'timestamptz',
    })}
    ON CONFLICT (workspace_id, ticket_id) DO UPDATE SET
      priority = coalesce(EXCLUDED.priority, t.priority),
      opened_at = coalesce(t.opened_at, EXCLUDED.opened_at),
      resolved_at = coalesce(EXCLUDED.resolved_at, t.resolved_at)`,
  addMrrPoints: `
    INSERT INTO health_scoring.mrr_points AS p (workspace_id, account_id, at, mrr)
    SELECT * FROM ${recordset({ workspaceId: 'text', accountId: 'text', at: 'timestamptz', mrr: 'numeric' })}
    ON CONFLICT (workspace_id, account_id, at) DO UPDATE SET mrr = EXCLUDED.mrr`,
  addNotableEvents: `
    INSERT INTO health_scoring.account_events (workspace_id, account_id, event_id, occurred_at, name, detail)
    SELECT * FROM ${recordset({
      workspaceId: 'text',
      accountId: 'text',
      eventId: 'text',
      occurredAt: 'timestamptz',
      name: 'text',
      detail: 'jsonb',
    })}
    ON CONFLICT DO NOTHING`,
});

/**
 * What an account's events leave beside its daily totals, each kept by event time: its support
 * tickets, its MRR points and its notable events (the timeline, NPS answers, key-feature uses).
 */
@Injectable()
export class AccountActivityRepository {
  async saveTickets(m: EntityManager, changes: readonly TicketChange[]): Promise<void> {
    if (changes.length === 0) return;
    await m.query(SQL.saveTickets, [recordsetParam(changes)]);
  }

  async addMrrPoints(m: EntityManager, points: readonly MrrPoint[]): Promise<void> {
    if (points.length === 0) return;
    await m.query(SQL.addMrrPoints, [recordsetParam(points)]);
  }

  async addNotableEvents(m: EntityManager, rows: readonly NotableEvent[]): Promise<void> {
    if (rows.length === 0) return;
    await m.query(SQL.addNotableEvents, [recordsetParam(rows)]);
  }
}
