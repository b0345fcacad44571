/**
 * Merges concurrent writes into fewer round trips. Items that arrive while a run is in flight
 * wait and go together in the next run, up to `maxWeight`; every caller awaits the run that
 * carried its item, and a failed run fails each of its callers. No timer and no linger: an item
 * that arrives when nothing is in flight leaves at once.
 */
export class Coalescer<T> {
  private readonly waiting: { item: T; weight: number; settle: (error?: unknown) => void }[] = [];
  private running = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<void>,
    private readonly options: {
      readonly maxWeight: number;
      readonly weigh?: (item: T) => number;
      /** Runs in flight at once (1 for a producer, more for a connection pool). */
      readonly concurrency?: number;
    },
  ) {}

  add(item: T): Promise<void> {
    const weight = this.options.weigh?.(item) ?? 1;
    return new Promise((resolve, reject) => {
      this.waiting.push({
        item,
        weight,
        settle: (error) => (error === undefined ? resolve() : reject(error)),
      });
      if (this.running < (this.options.concurrency ?? 1)) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    try {
      while (this.waiting.length > 0) {
        let weight = this.waiting[0]!.weight;
        let count = 1;
        while (count < this.waiting.length && weight + this.waiting[count]!.weight <= this.options.maxWeight)
          weight += this.waiting[count++]!.weight;
        const group = this.waiting.splice(0, count);
        try {
          await this.run(group.map((g) => g.item));
          for (const g of group) g.settle();
        } catch (error) {
          for (const g of group) g.settle(error ?? new Error('coalesced run failed'));
        }
      }
    } finally {
      this.running--;
    }
  }
}
