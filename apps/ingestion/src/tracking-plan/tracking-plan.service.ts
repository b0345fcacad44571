import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { SegmentCall } from '@tsuzuku/contracts';
import { OutboxRelay } from '@tsuzuku/platform-kafka';
import { WORKSPACE_CHANGED_CHANNEL, changedWorkspace } from '@tsuzuku/platform-database';
import { ApiException, CursorCodec, WorkspaceCache, cursorField } from '@tsuzuku/platform-runtime';
import {
  CompiledPlan,
  EMPTY_TRACKING_PLAN,
  TrackingPlan,
  compilePlan,
  isCsEvent,
  sampleOf,
  trackingPlanProblems,
} from './domain/tracking-plan';
import { TRACKING_PLAN_CACHE, TrackingPlanRepository, UnmatchedTally } from './tracking-plan.repository';

/** A notification lost is made good within this time. */
const CACHE_TTL_MS = 10_000;

export const UNMATCHED_CURSOR = new CursorCodec('unmatched-events', {
  count: cursorField.int8(),
  name: cursorField.text(1024),
});

export interface TrackingPlanView extends TrackingPlan {
  readonly updatedAt: string | null;
}

/** What a name in the unmatched list is now, against the current plan and the CS spec. */
export type UnmatchedStatus = 'unknown' | 'mapped' | 'cs_event';

export interface UnmatchedView {
  readonly name: string;
  readonly status: UnmatchedStatus;
  readonly count: number;
  readonly firstSeenAt: string;
  readonly lastSeenAt: string;
  readonly sample: Record<string, unknown>;
}

interface CachedPlan {
  readonly view: TrackingPlanView;
  readonly compiled: CompiledPlan;
}

/**
 * The tracking plans, cached per workspace (dropped on every replica through
 * tsuzuku_workspace_changed), and the tally of track events that are no CS event after mapping.
 */
@Injectable()
export class TrackingPlanService {
  private readonly logger = new Logger(TrackingPlanService.name);
  private readonly cache = new WorkspaceCache<CachedPlan>(CACHE_TTL_MS);

  constructor(
    private readonly repository: TrackingPlanRepository,
    relay: OutboxRelay,
  ) {
    relay.onNotification(WORKSPACE_CHANGED_CHANNEL, (payload) => {
      const workspaceId = changedWorkspace(TRACKING_PLAN_CACHE, payload);
      if (workspaceId !== undefined) this.cache.forget(workspaceId);
    });
  }

  /** The plan the collect path applies: from the cache, one query per workspace per TTL at most. */
  async compiledPlanOf(workspaceId: string): Promise<CompiledPlan> {
    return (await this.cached(workspaceId)).compiled;
  }

  async view(workspaceId: string): Promise<TrackingPlanView> {
    return (await this.cached(workspaceId)).view;
  }

  /** Replaces the whole plan; 400 naming every field that is wrong. */
  async replace(workspaceId: string, plan: TrackingPlan): Promise<TrackingPlanView> {
    const problems = trackingPlanProblems(plan);
    if (problems.length > 0)
      throw new ApiException(
        HttpStatus.BAD_REQUEST,
        'invalid_tracking_plan',
        `the tracking plan is invalid: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
        problems,
      );
    const stored = normalised(plan);
    const updatedAt = await this.repository.replace(workspaceId, stored);
    this.cache.forget(workspaceId);
    return { ...stored, updatedAt: updatedAt.toISOString() };
  }

  /**
   * Tallies the valid track calls of one request whose name is no CS event (after mapping): one
   * statement per request. A failure is logged and not the client's: the events were taken.
   */
  async countUnmatched(workspaceId: string, calls: readonly SegmentCall[], at: Date): Promise<void> {
    let tallies: Map<string, { count: number; call: SegmentCall }> | undefined;
    for (const call of calls) {
      if (call.type !== 'track' || call.event === undefined || isCsEvent(call.event)) continue;
      tallies ??= new Map();
      const tally = tallies.get(call.event);
      if (tally) {
        tally.count += 1;
        tally.call = call;
      } else tallies.set(call.event, { count: 1, call });
    }
    if (!tallies) return;
    const rows: UnmatchedTally[] = [...tallies].map(([name, { count, call }]) => ({
      name,
      count,
      lastSeenAt: at.toISOString(),
      sample: sampleOf(call.properties),
    }));
    try {
      await this.repository.countUnmatched(workspaceId, rows);
    } catch (error) {
      this.logger.warn(`could not count ${rows.length} unmatched event name(s): ${(error as Error).message}`);
    }
  }

  /** The unmatched names, most counted first, each with what it is under the current plan. */
  async unmatched(
    workspaceId: string,
    limit: number,
    cursor?: { readonly count: string; readonly name: string },
  ): Promise<{ items: UnmatchedView[]; nextCursor: string | null }> {
    const [rows, plan] = await Promise.all([
      this.repository.unmatched(workspaceId, limit + 1, cursor),
      this.compiledPlanOf(workspaceId),
    ]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) => ({
        name: row.name,
        status: isCsEvent(row.name) ? 'cs_event' : plan.byName.has(row.name) ? 'mapped' : 'unknown',
        count: Number(row.count),
        firstSeenAt: row.firstSeenAt.toISOString(),
        lastSeenAt: row.lastSeenAt.toISOString(),
        sample: row.sample,
      })),
      nextCursor:
        rows.length > limit && last ? UNMATCHED_CURSOR.encode({ count: last.count, name: last.name }) : null,
    };
  }

  private cached(workspaceId: string): Promise<CachedPlan> {
    return this.cache.get(workspaceId, async (id) => {
      const row = await this.repository.planOf(id);
      const plan = row?.plan ?? EMPTY_TRACKING_PLAN;
      return {
        view: { ...plan, updatedAt: row ? row.updatedAt.toISOString() : null },
        compiled: compilePlan(plan),
      };
    });
  }
}

/** The plan as stored and answered: only the fields the API defines. */
function normalised(plan: TrackingPlan): TrackingPlan {
  return {
    events: plan.events.map((m) => ({
      name: m.name,
      ...(m.mapsTo === undefined ? {} : { mapsTo: m.mapsTo }),
      ...(m.properties === undefined ? {} : { properties: m.properties }),
    })),
  };
}
