/**
 * What a service read about a workspace, kept for `ttlMs`. The promise is kept, not its result:
 * concurrent callers share one load, a failed load is not kept, and `forget` after a change
 * drops a load still running, so a read from before the change is never kept after it.
 */
export class WorkspaceCache<T> {
  private readonly entries = new Map<string, { readonly at: number; readonly loaded: Promise<T> }>();

  constructor(private readonly ttlMs: number) {}

  get(workspaceId: string, load: (workspaceId: string) => Promise<T>): Promise<T> {
    const hit = this.entries.get(workspaceId);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.loaded;
    const entry = { at: Date.now(), loaded: load(workspaceId) };
    this.entries.set(workspaceId, entry);
    entry.loaded.catch(() => {
      if (this.entries.get(workspaceId) === entry) this.entries.delete(workspaceId);
    });
    return entry.loaded;
  }

  forget(workspaceId: string): void {
    this.entries.delete(workspaceId);
  }
}
