import { EntityManager } from 'typeorm';
import { AttributeFact, AttributeSource, AttributeVersion } from '../kpis/domain/slice';
import { asJson, sliceValue } from './sql';

/** The attribute facts of some accounts of a workspace, by account. */
export async function loadAttributeFacts(
  m: EntityManager,
  workspaceId: string,
  accountIds: readonly string[],
): Promise<Map<string, AttributeFact[]>> {
  const rows: {
    account_id: string;
    at_ms: string;
    event_id: string;
    source: AttributeSource;
    segment: string | null;
    touch_model: string | null;
    phase: string | null;
    owner: string | null;
    plan: string | null;
  }[] = await m.query(
    `SELECT account_id, (extract(epoch FROM effective_at) * 1000)::bigint::text AS at_ms, event_id, source,
            segment, touch_model, phase, owner, plan
     FROM reporting.attribute_changes WHERE workspace_id = $1 AND account_id = ANY($2)`,
    [workspaceId, accountIds],
  );
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
export async function insertAttributeFacts(
  m: EntityManager,
  workspaceId: string,
  facts: readonly (AttributeFact & { accountId: string })[],
): Promise<void> {
  if (facts.length === 0) return;
  await m.query(
    `INSERT INTO reporting.attribute_changes
       (workspace_id, account_id, effective_at, event_id, source, segment, touch_model, phase, owner, plan)
     SELECT $1, "accountId", at, "eventId", source, segment, "touchModel", phase, owner, plan
     FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, at timestamptz, "eventId" text, source text, segment text,
       "touchModel" text, phase text, owner text, plan text)
     ON CONFLICT DO NOTHING`,
    [workspaceId, asJson(facts.map((f) => ({ ...f, at: new Date(f.at).toISOString() })))],
  );
}

/** Rewrites the attribute versions of some accounts (every account given: none left means no rows). */
export async function replaceAttributeVersions(
  m: EntityManager,
  workspaceId: string,
  versions: ReadonlyMap<string, readonly AttributeVersion[]>,
): Promise<void> {
  if (versions.size === 0) return;
  await m.query('DELETE FROM reporting.account_attributes WHERE workspace_id = $1 AND account_id = ANY($2)', [
    workspaceId,
    [...versions.keys()],
  ]);
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
  if (rows.length > 0)
    await m.query(
      `INSERT INTO reporting.account_attributes
         (workspace_id, account_id, valid_from, valid_to, segment, touch_model, phase, owner, plan)
       SELECT $1, "accountId", "from", "to", segment, "touchModel", phase, owner, plan
       FROM jsonb_to_recordset($2::jsonb) AS r("accountId" text, "from" timestamptz, "to" timestamptz, segment text,
         "touchModel" text, phase text, owner text, plan text)`,
      [workspaceId, asJson(rows)],
    );
}
