import type { SegmentCall } from '@tsuzuku/contracts';

/** Batch-level context merged under each item's own (the item's keys win). */
export function withBatchContext(
  call: SegmentCall,
  batchContext: Record<string, unknown> | undefined,
): SegmentCall {
  if (!batchContext) return call;
  return { ...call, context: { ...batchContext, ...(call.context ?? {}) } };
}
