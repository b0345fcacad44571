import { Coalescer } from './coalescer';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Coalescer', () => {
  it('sends the first item at once and merges what arrives while it is in flight', async () => {
    const runs: number[][] = [];
    const gates = [deferred(), deferred()];
    const coalescer = new Coalescer<number>(
      async (items) => {
        runs.push(items);
        await gates[runs.length - 1]!.promise;
      },
      { maxWeight: 100 },
    );
    const first = coalescer.add(1);
    const rest = [2, 3, 4].map((n) => coalescer.add(n));
    expect(runs).toEqual([[1]]);
    gates[0]!.resolve();
    await first;
    await Promise.resolve();
    expect(runs).toEqual([[1], [2, 3, 4]]);
    gates[1]!.resolve();
    await Promise.all(rest);
  });

  it('keeps a merged run within maxWeight, but always carries at least one item', async () => {
    const runs: string[][] = [];
    const gate = deferred();
    const coalescer = new Coalescer<string>(
      async (items) => {
        runs.push(items);
        if (runs.length === 1) await gate.promise;
      },
      { maxWeight: 5, weigh: (s) => s.length },
    );
    const all = [coalescer.add('a'), coalescer.add('bbb'), coalescer.add('cc'), coalescer.add('dddddddd')];
    gate.resolve();
    await Promise.all(all);
    expect(runs).toEqual([['a'], ['bbb', 'cc'], ['dddddddd']]);
  });

  it('fails every caller of a failed run, and goes on with the next', async () => {
    const gate = deferred();
    let calls = 0;
    const coalescer = new Coalescer<number>(
      async (items) => {
        calls++;
        if (calls === 1) return gate.promise;
        if (items.includes(2)) throw new Error('broker refused');
      },
      { maxWeight: 2 },
    );
    const first = coalescer.add(1);
    const second = coalescer.add(2);
    const third = coalescer.add(3);
    const fourth = coalescer.add(4);
    gate.resolve();
    await expect(first).resolves.toBeUndefined();
    await expect(second).rejects.toThrow('broker refused');
    await expect(third).rejects.toThrow('broker refused');
    await expect(fourth).resolves.toBeUndefined();
  });

  it('runs up to `concurrency` groups at once', async () => {
    let running = 0;
    let most = 0;
    const coalescer = new Coalescer<number>(
      async () => {
        most = Math.max(most, ++running);
        await new Promise((r) => setTimeout(r, 10));
        running--;
      },
      { maxWeight: 1, concurrency: 3 },
    );
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => coalescer.add(n)));
    expect(most).toBe(3);
  });
});
