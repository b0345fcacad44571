import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam } from '@tsuzuku/platform-database';
import type { OutlookRow } from '../forecasts/domain/renewal-forecast';

const sql = defineStatements('reporting.account-outlook', {
  upsert: `
    INSERT INTO reporting.account_outlook AS o (workspace_id, account_id, as_of, event_id, renewal_date, churn_risk)
    SELECT DISTINCT ON ("workspaceId", "accountId") "workspaceId", "accountId", "asOf", "eventId", "renewalDate", "churnRisk"
    FROM ${recordset({
      workspaceId: 'text',
      accountId: 'text',
      asOf: 'timestamptz',
      eventId: 'text',
      renewalDate: 'date',
      churnRisk: 'jsonb',
    })}
    ORDER BY "workspaceId", "accountId", "asOf" DESC, "eventId" DESC
    ON CONFLICT (workspace_id, account_id) DO UPDATE SET as_of = EXCLUDED.as_of, event_id = EXCLUDED.event_id,
      renewal_date = EXCLUDED.renewal_date, churn_risk = EXCLUDED.churn_risk
    WHERE (EXCLUDED.as_of, EXCLUDED.event_id) > (o.as_of, o.event_id)`,
});

/** Each account's present renewal date and churn prediction, for the renewal forecast. */
@Injectable()
export class AccountOutlookRepository {
  /** Keeps the latest outlook per account by its time (a late older one changes nothing), in the caller's transaction. */
  async upsert(m: EntityManager, rows: readonly OutlookRow[]): Promise<void> {
    if (rows.length > 0) await m.query(sql.upsert, [recordsetParam(rows)]);
  }
}
