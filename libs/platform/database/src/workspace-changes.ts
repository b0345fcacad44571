/**
 * Postgres channel on which a replica announces that a workspace's cached data changed, so the
 * other replicas drop their copy. Payload: `<cache>/<workspaceId>`.
 */
export const WORKSPACE_CHANGED_CHANNEL = 'tsuzuku_workspace_changed';

/** Announces a change; delivered to every listener once the caller's transaction (if any) commits. */
export async function notifyWorkspaceChanged(
  db: { query(sql: string, parameters?: unknown[]): Promise<unknown> },
  cache: string,
  workspaceId: string,
): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [WORKSPACE_CHANGED_CHANNEL, `${cache}/${workspaceId}`]);
}

/** The workspace a change payload names for `cache`, or undefined when it is another cache's. */
export function changedWorkspace(cache: string, payload: string | undefined): string | undefined {
  const prefix = `${cache}/`;
  return payload?.startsWith(prefix) ? payload.slice(prefix.length) : undefined;
}
