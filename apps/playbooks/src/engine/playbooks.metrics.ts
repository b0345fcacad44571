import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import { AttributeSets, PIPELINE_LATENCY_BUCKETS, serviceMeter } from '@tsuzuku/platform-telemetry';

/**
 * The run engine's work: step executions committed, by step type and outcome; how long effect
 * steps (task, email, webhook, notify) take, failed attempts included; runs finished, by status.
 */
export class PlaybooksMetrics {
  private readonly steps: Counter;
  private readonly stepDuration: Histogram;
  private readonly runs: Counter;
  private readonly attributeSets = new AttributeSets();

  constructor() {
    const meter = serviceMeter();
    this.steps = meter.createCounter('tsuzuku.playbooks.step.executions', {
      unit: '{step}',
      description: 'Step executions committed, by step type and outcome',
    });
    this.stepDuration = meter.createHistogram('tsuzuku.playbooks.step.duration', {
      unit: 's',
      description: 'Time an effect step took to run, by step type (error.type set when the attempt failed)',
      advice: { explicitBucketBoundaries: [...PIPELINE_LATENCY_BUCKETS] },
    });
    this.runs = meter.createCounter('tsuzuku.playbooks.runs.finished', {
      unit: '{run}',
      description: 'Runs that ended, by status (completed, exited, failed)',
    });
  }

  /** An effect step's attempt took `seconds`; `failed` when it threw. */
  stepRan(stepType: string, seconds: number, failed: boolean): void {
    this.stepDuration.record(
      seconds,
      this.attributes(
        'd',
        failed
          ? { 'tsuzuku.playbook.step.type': stepType, 'error.type': 'step_failed' }
          : { 'tsuzuku.playbook.step.type': stepType },
      ),
    );
  }

  /** What a committed tick recorded. */
  committed(
    executions: readonly { stepType: string; outcome: string }[],
    runs: readonly { status: string; finishedAt: string | null }[],
  ): void {
    for (const e of executions)
      this.steps.add(
        1,
        this.attributes('s', {
          'tsuzuku.playbook.step.type': e.stepType,
          'tsuzuku.playbook.step.outcome': e.outcome,
        }),
      );
    for (const r of runs)
      if (r.finishedAt !== null)
        this.runs.add(1, this.attributes('r', { 'tsuzuku.playbook.run.status': r.status }));
  }

  private attributes(kind: string, values: Record<string, string>): Attributes {
    return this.attributeSets.of(`${kind}\u0000${Object.values(values).join('\u0000')}`, () => values);
  }
}
