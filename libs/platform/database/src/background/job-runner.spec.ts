import { JobRunner } from './job-runner';
import { LeaseStore } from './lease.store';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves once `probe` holds (checked every millisecond, for five seconds at most). */
async function until(probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!probe() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
  expect(probe()).toBe(true);
}

/** A lease table in memory: `owner` is who holds each lease. */
function fakeLeases(owner: Map<string, string>): LeaseStore {
  return {
    acquire: async (name: string, holder: string) => {
      if (!owner.has(name)) owner.set(name, holder);
      return owner.get(name) === holder;
    },
    release: async (name: string, holder: string) => {
      if (owner.get(name) === holder) owner.delete(name);
    },
  } as unknown as LeaseStore;
}

describe('JobRunner', () => {
  it('runs single-flight: a wake during a run makes one more run, never two at once', async () => {
    const runner = new JobRunner(undefined);
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    const gates = [deferred(), deferred()];
    const job = runner.schedule({
      name: 'single',
      everyMs: 60_000,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await gates[runs++]?.promise;
        active--;
      },
    });
    job.wake();
    await until(() => runs === 1);
    job.wake();
    job.wake();
    gates[0]!.resolve();
    await until(() => runs === 2);
    gates[1]!.resolve();
    await job.runNow();
    expect(maxActive).toBe(1);
    await runner.stop();
  });

  it('stops gracefully: the run in progress is asked to return and awaited, none starts after', async () => {
    const runner = new JobRunner(undefined);
    const gate = deferred();
    let finished = false;
    let aborted = false;
    let runs = 0;
    const job = runner.schedule({
      name: 'graceful',
      everyMs: 60_000,
      runAtStart: true,
      run: async (signal) => {
        runs++;
        signal.addEventListener('abort', () => (aborted = true));
        await gate.promise;
        finished = true;
      },
    });
    await until(() => runs === 1);
    const stopping = runner.stop();
    expect(aborted).toBe(true);
    expect(finished).toBe(false);
    gate.resolve();
    await stopping;
    expect(finished).toBe(true);
    job.wake();
    await job.runNow();
    expect(runs).toBe(1);
  });

  it('retries a failed run after a backoff, without waiting for the period', async () => {
    const runner = new JobRunner(undefined);
    let runs = 0;
    runner.schedule({
      name: 'retry',
      everyMs: 60_000,
      runAtStart: true,
      retry: { baseMs: 1, capMs: 5 },
      run: async () => {
        if (++runs < 3) throw new Error('not yet');
      },
    });
    await until(() => runs === 3);
    await runner.stop();
  });

  it('runs a once-per-cluster job only where its lease is held, and hands the lease over on stop', async () => {
    const owner = new Map<string, string>();
    const a = new JobRunner(fakeLeases(owner), { holder: 'a', leaseTtlMs: 300 });
    const b = new JobRunner(fakeLeases(owner), { holder: 'b', leaseTtlMs: 300 });
    const runs: string[] = [];
    const job = (holder: string) => ({
      name: 'sweep',
      everyMs: 60_000,
      oncePerCluster: true,
      runAtStart: true,
      run: async () => void runs.push(holder),
    });
    const onA = a.schedule(job('a'));
    await until(() => runs.length === 1);
    const onB = b.schedule(job('b'));
    await onB.runNow();
    await onA.runNow();
    expect(runs).toEqual(['a', 'a']);
    expect(onB.holdsLease).toBe(false);

    await a.stop();
    expect(owner.has('sweep')).toBe(false);
    await until(() => onB.holdsLease);
    await until(() => runs.includes('b'));
    expect(runs.slice(0, 2)).toEqual(['a', 'a']);
    await b.stop();
  });
});
