import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EventEnvelope, EventRegistry } from '@tsuzuku/contracts';
import { claimInbox } from '@tsuzuku/platform-database';

export const ACTIVITY_CONSUMER = 'health-scoring.account-activity';

@Injectable()
export class AccountActivityService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Counts one customer event towards its account's activity, once: the inbox row and the
   * counter change commit together, so a redelivered event changes nothing.
   */
  async record(
    envelope: EventEnvelope<'customer.event.recorded', EventRegistry['customer.event.recorded']>,
  ): Promise<boolean> {
    if (!envelope.accountId) return false;
    const accountId = envelope.accountId;
    return this.dataSource.transaction(async (manager) => {
      if (!(await claimInbox(manager, 'health_scoring', ACTIVITY_CONSUMER, envelope.id))) return false;
      await manager.query(
        `INSERT INTO health_scoring.account_activity AS a
           (workspace_id, account_id, events_total, first_event_at, last_event_at, updated_at)
         VALUES ($1, $2, 1, $3, $3, now())
         ON CONFLICT (workspace_id, account_id) DO UPDATE SET
           events_total = a.events_total + 1,
           first_event_at = LEAST(a.first_event_at, EXCLUDED.first_event_at),
           last_event_at = GREATEST(a.last_event_at, EXCLUDED.last_event_at),
           updated_at = now()`,
        [envelope.workspaceId, accountId, envelope.occurredAt],
      );
      return true;
    });
  }
}
