import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements, recordset, recordsetParam } from '@tsuzuku/platform-database';
import { AttributeFact, AttributeSource, AttributeVersion, sliceValue } from '../kpis/domain/slice';
import { SLICE_RECORDSET_COLUMNS } from './slice-columns';

const sql = defineStatements('reporting.attributes', {
  facts: `
    SELECT account_id, (extract(epoch FROM effective_at) * 1000)::bigint::text AS at_ms, event_id, source,
           segment, touch_model, phase, owner, plan
    FROM reporting.attribute_changes WHERE workspace_id = $1 AND account_id = ANY($2)`,
  insertFacts: `
    INSERT INTO reporting.attribute_changes
      (workspace_id, account_id, effective_at, event_id, source, segment, touch_model, phase, owner, plan)
    SELECT $1, "accountId", at, "eventId", source, segment, "touchModel", phase, owner, plan
    FROM ${recordset(
      {
        accountId: 'text',
        at: 'timestamptz',
        eventId: 'text',
        source: 'text',
        ...SLICE_RECORDSET_COLUMNS,
      },
      { param: 2 },
    )}
    ON CONFLICT DO NOTHING`,
  deleteVersions: 'DELETE FROM reporting.account_attributes WHERE workspace_id = $1 AND account_id = ANY($2)',
  insertVersions: `
    INSERT INTO reporting.account_attributes
      (workspace_id, account_id, valid_from, valid_to, segment, touch_model, phase, owner, plan)
    SELECT $1, "accountId", "from", "to", segment, "touchModel", phase, owner, plan
    FROM ${recordset(
      {
        accountId: 'text',
        from: 'timestamptz',
        to: 'timestamptz',
        ...SLICE_RECORDSET_COLUMNS,
      },
      { param: 2 },
    )}`,
});

interface FactRow {
  account_id: string;
  at_ms: string;
  event_id: string;
  source: AttributeSource;
  segment: string | null;
  touch_model: string | null;
  phase: string | null;
  owner: string | null;
  plan: string | null;
}

/**
 * Accounts' attributes by event time: the facts (each group call or account update that set
 * them) and the versions derived from them. Every method runs in the caller's transaction.
 */
@Injectable()
export class AttributesRepository {
  /** The attribute facts of some accounts of a workspace, by account. */
  async facts(
    m: EntityManager,
    workspaceId: string,
    accountIds: readonly string[],
  ): Promise<Map<string, AttributeFact[]>> {
    const rows: FactRow[] = await m.query(sql.facts, [workspaceId, accountIds]);
    const facts = new Map<string, AttributeFact[]>();
    for (const r of rows) {
      const fact: AttributeFact = {
        at: Number(r.at_ms),
        eventId: r.event_id,
        source: r.source,
        segment: r.segment,
        touchModel: r.touch_model,
        phase: r.phase,
        owner: r.owner,
        plan: r.plan,
      };
      const own = facts.get(r.account_id);
      if (own) own.push(fact);
      else facts.set(r.account_id, [fact]);
    }
    return facts;
  }

  /** Stores attribute facts (keyed by account, time and event: a replay adds nothing). */
  async insertFacts(
    m: EntityManager,
    workspaceId: string,
    facts: readonly (AttributeFact & { accountId: string })[],
  ): Promise<void> {
    if (facts.length === 0) return;
    await m.query(sql.insertFacts, [
      workspaceId,
      recordsetParam(facts.map((f) => ({ ...f, at: new Date(f.at).toISOString() }))),
    ]);
  }

  /** Rewrites the attribute versions of some accounts (every account given: none left means no rows). */
  async replaceVersions(
    m: EntityManager,
    workspaceId: string,
    versions: ReadonlyMap<string, readonly AttributeVersion[]>,
  ): Promise<void> {
    if (versions.size === 0) return;
    await m.query(sql.deleteVersions, [workspaceId, [...versions.keys()]]);
    const rows = [...versions].flatMap(([accountId, list]) =>
      list.map((v) => ({
        accountId,
        from: v.from === null ? '-infinity' : new Date(v.from).toISOString(),
        to: v.to === null ? 'infinity' : new Date(v.to).toISOString(),
        segment: sliceValue(v.segment),
        touchModel: sliceValue(v.touchModel),
        phase: sliceValue(v.phase),
        owner: sliceValue(v.owner),
        plan: sliceValue(v.plan),
      })),
    );
    if (rows.length > 0) await m.query(sql.insertVersions, [workspaceId, recordsetParam(rows)]);
  }
}
