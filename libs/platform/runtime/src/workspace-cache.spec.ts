import { WorkspaceCache } from './workspace-cache';

describe('WorkspaceCache', () => {
  it('shares one load between concurrent callers and keeps it for the ttl', async () => {
    const cache = new WorkspaceCache<number>(60_000);
    let loads = 0;
    const load = async () => ++loads;
    const [a, b] = await Promise.all([cache.get('ws', load), cache.get('ws', load)]);
    expect([a, b, loads]).toEqual([1, 1, 1]);
    expect(await cache.get('ws', load)).toBe(1);
    expect(await cache.get('other', load)).toBe(2);
  });

  it('loads again after forget, after the ttl, and after a failed load', async () => {
    const cache = new WorkspaceCache<number>(0);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('ws', load)).toBe(1);
    expect(await cache.get('ws', load)).toBe(2);
    const kept = new WorkspaceCache<number>(60_000);
    await expect(kept.get('ws', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await kept.get('ws', async () => 7)).toBe(7);
    kept.forget('ws');
    expect(await kept.get('ws', async () => 8)).toBe(8);
  });
});
