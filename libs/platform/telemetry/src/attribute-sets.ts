import type { Attributes } from '@opentelemetry/api';

/**
 * Metric attribute sets built once per key and reused: recording on a hot path (every request,
 * every run of messages) builds no new attribute object for a combination already seen.
 */
export class AttributeSets {
  private readonly sets = new Map<string, Attributes>();

  /** The set stored under `key`, built by `build` the first time the key is asked for. */
  of(key: string, build: () => Attributes): Attributes {
    let attributes = this.sets.get(key);
    if (!attributes) {
      attributes = build();
      this.sets.set(key, attributes);
    }
    return attributes;
  }
}
