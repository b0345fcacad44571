import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { defineStatements, numeric } from '@tsuzuku/platform-database';
import { MrrTotals } from '../kpis/domain/kpi-formulas';
import { MovementType } from '../kpis/domain/mrr-movements';
import { sliceMatch, sliceParams } from './kpi.repository';
import { SliceFilter, isSliced } from './report-filter';

const listed = (join: string, accountCondition: string) => `
  SELECT mv.account_id, mv.occurred_at, mv.type, mv.amount::text, mv.from_mrr::text, mv.to_mrr::text, mv.event_id
  FROM reporting.mrr_movements mv ${join}
  WHERE mv.workspace_id = $1 AND mv.occurred_at >= $2 AND mv.occurred_at < $3${accountCondition}
    AND ($5::timestamptz IS NULL OR (mv.occurred_at, mv.account_id) > ($5::timestamptz, $6::text))
  ORDER BY mv.occurred_at, mv.account_id LIMIT $4`;

const sql = defineStatements('reporting.movements', {
  accountTotals: `
    SELECT to_char(month, 'YYYY-MM') AS month, start_mrr::text, new_mrr::text, expansion_mrr::text,
           contraction_mrr::text, churned_mrr::text, reactivation_mrr::text, end_mrr::text
    FROM reporting.account_months WHERE workspace_id = $1 AND account_id = $4 AND month BETWEEN $2 AND $3`,
  movements: listed('', '\n    AND ($7::text IS NULL OR mv.account_id = $7)'),
  // The slice of each movement's account in the movement's month: the account month's, as in
  // the monthly totals, so the listed movements add up to them.
  movementsSliced: listed(
    `JOIN reporting.account_months am ON am.workspace_id = mv.workspace_id AND am.account_id = mv.account_id
    AND am.month = date_trunc('month', mv.occurred_at AT TIME ZONE 'UTC')::date${sliceMatch('am', 7)}`,
    '',
  ),
});

/** The MRR movement totals of a month, in millionths. */
export type MovementTotals = Pick<
  MrrTotals,
  'startMrr' | 'newMrr' | 'expansionMrr' | 'contractionMrr' | 'churnedMrr' | 'reactivationMrr' | 'endMrr'
>;

/** One MRR movement as stored (amounts in millionths). */
export interface StoredMovement {
  readonly accountId: string;
  readonly occurredAt: Date;
  readonly type: MovementType;
  readonly amount: number;
  readonly fromMrr: number;
  readonly toMrr: number;
  readonly eventId: string;
}

/** Where a page of movements starts: after this movement, in (time, account) order. */
export interface MovementsAfter {
  readonly at: string;
  readonly accountId: string;
}

/** The MRR movements of accounts: one account's month totals, and movements in time order. */
@Injectable()
export class MovementsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One account's movement totals by month ('YYYY-MM'), months given as first days. */
  async accountTotals(
    workspaceId: string,
    accountId: string,
    from: string,
    to: string,
  ): Promise<Map<string, MovementTotals>> {
    const rows: Record<string, string>[] = await this.dataSource.query(sql.accountTotals, [
      workspaceId,
      from,
      to,
      accountId,
    ]);
    return new Map(
      rows.map((r) => [
        r['month']!,
        {
          startMrr: numeric(r['start_mrr']),
          newMrr: numeric(r['new_mrr']),
          expansionMrr: numeric(r['expansion_mrr']),
          contractionMrr: numeric(r['contraction_mrr']),
          churnedMrr: numeric(r['churned_mrr']),
          reactivationMrr: numeric(r['reactivation_mrr']),
          endMrr: numeric(r['end_mrr']),
        },
      ]),
    );
  }

  /**
   * Up to `limit` movements in [from, until) after the cursor, in (time, account) order: one
   * account's, or those of the accounts in the slice in the movement's month (the account is
   * then ignored), or every one.
   */
  async list(
    workspaceId: string,
    range: { from: string; until: string },
    options: { accountId?: string; filter?: SliceFilter; after?: MovementsAfter; limit: number },
  ): Promise<StoredMovement[]> {
    const common = [
      workspaceId,
      range.from,
      range.until,
      options.limit,
      options.after?.at ?? null,
      options.after?.accountId ?? null,
    ];
    const rows: {
      account_id: string;
      occurred_at: Date;
      type: MovementType;
      amount: string;
      from_mrr: string;
      to_mrr: string;
      event_id: string;
    }[] =
      options.accountId === undefined && options.filter !== undefined && isSliced(options.filter)
        ? await this.dataSource.query(sql.movementsSliced, [...common, ...sliceParams(options.filter)])
        : await this.dataSource.query(sql.movements, [...common, options.accountId ?? null]);
    return rows.map((r) => ({
      accountId: r.account_id,
      occurredAt: r.occurred_at,
      type: r.type,
      amount: numeric(r.amount),
      fromMrr: numeric(r.from_mrr),
      toMrr: numeric(r.to_mrr),
      eventId: r.event_id,
    }));
  }
}
