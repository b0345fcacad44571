import type { Attributes, BatchObservableResult, Meter, ObservableResult } from '@opentelemetry/api';
import {
  Histogram,
  PerformanceObserver,
  constants,
  monitorEventLoopDelay,
  performance,
} from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const NS_PER_S = 1e9;
const DELAY_RESOLUTION_MS = 20;

/** The names the semantic conventions give the kinds of V8 garbage collection. */
const GC_TYPES: Readonly<Record<number, string>> = {
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

// Node samples the time between timer ticks, which includes the sampling interval itself:
// what is reported is the delay beyond it, in seconds.
const beyondResolution = (ns: number) => Math.max(0, ns / NS_PER_S - DELAY_RESOLUTION_MS / 1000);

/** The event-loop delay gauges, nodejs.eventloop.delay.<name>, and how each reads the histogram. */
const DELAY_STATISTICS: readonly {
  readonly name: string;
  readonly description: string;
  readonly read: (delay: Histogram) => number;
}[] = [
  { name: 'min', description: 'Event loop minimum delay', read: (d) => beyondResolution(d.min) },
  { name: 'max', description: 'Event loop maximum delay', read: (d) => beyondResolution(d.max) },
  { name: 'mean', description: 'Event loop mean delay', read: (d) => beyondResolution(d.mean) },
  { name: 'stddev', description: 'Event loop delay standard deviation', read: (d) => d.stddev / NS_PER_S },
  ...[50, 90, 99].map((p) => ({
    name: `p${p}`,
    description: `Event loop ${p}th percentile delay`,
    read: (d: Histogram) => beyondResolution(d.percentile(p)),
  })),
];

/**
 * Node runtime metrics under their semantic-convention names: event-loop delay (since the last
 * scrape) and utilization, V8 heap per space, garbage-collection pauses, CPU time and resident
 * memory. Everything is read when scraped except GC pauses, which V8 reports as they happen.
 * Returns what stops the observers.
 */
export function observeNodeRuntime(meter: Meter): () => void {
  const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  delay.enable();
  const delayGauges = DELAY_STATISTICS.map(({ name, description, read }) => ({
    gauge: meter.createObservableGauge(`nodejs.eventloop.delay.${name}`, {
      unit: 's',
      description: `${description} since the last scrape`,
    }),
    read,
  }));
  const delayCallback = (observe: BatchObservableResult) => {
    // A histogram with no sample yet holds sentinel values: report nothing rather than those.
    if (delay.count > 0) {
      for (const { gauge, read } of delayGauges) observe.observe(gauge, read(delay));
    }
    delay.reset();
  };
  const delayObservables = delayGauges.map(({ gauge }) => gauge);
  meter.addBatchObservableCallback(delayCallback, delayObservables);

  let lastUtilization = performance.eventLoopUtilization();
  const utilization = meter.createObservableGauge('nodejs.eventloop.utilization', {
    unit: '1',
    description: 'Share of the time since the last scrape the event loop was busy',
  });
  const utilizationCallback = (result: ObservableResult) => {
    const now = performance.eventLoopUtilization();
    result.observe(performance.eventLoopUtilization(now, lastUtilization).utilization);
    lastUtilization = now;
  };
  utilization.addCallback(utilizationCallback);

  const bytes = (name: string, description: string) =>
    meter.createObservableUpDownCounter(name, { unit: 'By', description });
  const heapUsed = bytes('v8js.memory.heap.used', 'Heap memory in use, per V8 heap space');
  const heapLimit = bytes('v8js.memory.heap.limit', 'Heap memory size allocated, per V8 heap space');
  const heapAvailable = bytes(
    'v8js.memory.heap.space.available_size',
    'Heap space available size, per V8 heap space',
  );
  const heapMax = bytes(
    'tsuzuku.v8js.memory.heap.max',
    'The most the V8 heap may grow to (--max-old-space-size and the young generation)',
  );
  const heapCallback = (observe: BatchObservableResult) => {
    for (const space of getHeapSpaceStatistics()) {
      const attributes = { 'v8js.heap.space.name': space.space_name };
      observe.observe(heapUsed, space.space_used_size, attributes);
      observe.observe(heapLimit, space.space_size, attributes);
      observe.observe(heapAvailable, space.space_available_size, attributes);
    }
    observe.observe(heapMax, getHeapStatistics().heap_size_limit);
  };
  meter.addBatchObservableCallback(heapCallback, [heapUsed, heapLimit, heapAvailable, heapMax]);

  const cpu = meter.createObservableCounter('process.cpu.time', {
    unit: 's',
    description: 'CPU time used by the process',
  });
  const memory = bytes('process.memory.usage', 'Resident set size of the process');
  const processCallback = (observe: BatchObservableResult) => {
    const usage = process.cpuUsage();
    observe.observe(cpu, usage.user / 1e6, { 'cpu.mode': 'user' });
    observe.observe(cpu, usage.system / 1e6, { 'cpu.mode': 'system' });
    observe.observe(memory, process.memoryUsage.rss());
  };
  meter.addBatchObservableCallback(processCallback, [cpu, memory]);

  const gcDuration = meter.createHistogram('v8js.gc.duration', {
    unit: 's',
    description: 'Garbage collection pauses, by kind',
    advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 10] },
  });
  const gcAttributes = new Map<number, Attributes>(
    Object.entries(GC_TYPES).map(([kind, type]) => [Number(kind), { 'v8js.gc.type': type }]),
  );
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? -1;
      gcDuration.record(entry.duration / 1000, gcAttributes.get(kind) ?? { 'v8js.gc.type': 'other' });
    }
  });
  gc.observe({ entryTypes: ['gc'] });

  return () => {
    gc.disconnect();
    delay.disable();
    meter.removeBatchObservableCallback(delayCallback, delayObservables);
    utilization.removeCallback(utilizationCallback);
    meter.removeBatchObservableCallback(heapCallback, [heapUsed, heapLimit, heapAvailable, heapMax]);
    meter.removeBatchObservableCallback(processCallback, [cpu, memory]);
  };
}
