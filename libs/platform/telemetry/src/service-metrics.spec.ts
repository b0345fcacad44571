import { scrapeMetrics, serviceMeter, startMetrics, stopMetrics } from './service-metrics';

describe('service metrics', () => {
  afterEach(() => stopMetrics());

  it('renders counters and histograms in the Prometheus text format, with the service in target_info', async () => {
    const meter = startMetrics('probe-service');
    const counter = meter.createCounter('tsuzuku.test.things', { description: 'things seen' });
    const histogram = meter.createHistogram('tsuzuku.test.wait.duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.1, 1] },
    });
    counter.add(2, { kind: 'a' });
    counter.add(3, { kind: 'a' });
    histogram.record(0.5);
    histogram.record(2);
    const text = await scrapeMetrics();
    expect(text).toContain('target_info{service_name="tsuzuku-probe-service"');
    expect(text).toMatch(/^tsuzuku_test_things_total\{kind="a"\} 5$/m);
    expect(text).toMatch(/^tsuzuku_test_wait_duration_count 2$/m);
    expect(text).toMatch(/^tsuzuku_test_wait_duration_bucket\{le="1"\} 1$/m);
  });

  it('reports the Node runtime: event-loop delay, heap per space, GC pauses', async () => {
    startMetrics('probe-runtime');
    // Some garbage and a busy moment, so GC and the delay histogram have samples.
    const junk: unknown[] = [];
    for (let i = 0; i < 200_000; i++) junk.push({ i, s: `x${i}` });
    // Wait for the fact (the delay histogram has a sample), scraping until it shows, bounded.
    let text = await scrapeMetrics();
    for (let tries = 0; !/^nodejs_eventloop_delay_p99 \d/m.test(text) && tries < 100; tries++) {
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
      text = await scrapeMetrics();
    }
    expect(junk.length).toBe(200_000);
    expect(text).toMatch(/^v8js_memory_heap_used\{v8js_heap_space_name="old_space"\} \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_delay_p99 \d/m);
    expect(text).toMatch(/^nodejs_eventloop_utilization [\d.e-]+$/m);
    expect(text).toMatch(/^process_cpu_time_total\{cpu_mode="user"\} [\d.e-]+$/m);
  });

  it('gives every caller the one meter of the process', () => {
    expect(startMetrics('first')).toBe(serviceMeter());
    expect(startMetrics('second')).toBe(serviceMeter());
  });
});
