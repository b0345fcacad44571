import { EntityManager } from 'typeorm';
import { AttributeChange } from '../kpis/domain/slice';

/** The slice-attribute change points of some accounts of a workspace, by account. */
export async function loadAttributeChanges(
  m: EntityManager,
  workspaceId: string,
  accountIds: readonly string[],
): Promise<Map<string, AttributeChange[]>> {
  const rows: {
    account_id: string;
    at_ms: string;
    event_id: string;
    segment: string | null;
    touch_model: string | null;
    phase: string | null;
    owner: string | null;
  }[] = await m.query(
    `SELECT account_id, (extract(epoch FROM effective_at) * 1000)::bigint::text AS at_ms, event_id,
            segment, touch_model, phase, owner
     FROM reporting.attribute_changes WHERE workspace_id = $1 AND account_id = ANY($2)`,
    [workspaceId, accountIds],
  );
  const changes = new Map<string, AttributeChange[]>();
  for (const r of rows) {
    const change: AttributeChange = {
      at: Number(r.at_ms),
      eventId: r.event_id,
      segment: r.segment,
      touchModel: r.touch_model,
      phase: r.phase,
      owner: r.owner,
    };
    const own = changes.get(r.account_id);
    if (own) own.push(change);
    else changes.set(r.account_id, [change]);
  }
  return changes;
}
