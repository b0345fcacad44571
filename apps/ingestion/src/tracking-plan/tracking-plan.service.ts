import {
  BeforeApplicationShutdown,
  HttpStatus,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { SegmentCall } from '@tsuzuku/contracts';
import { OutboxRelay } from '@tsuzuku/platform-kafka';
import { BackgroundJobs, WORKSPACE_CHANGED_CHANNEL, changedWorkspace } from '@tsuzuku/platform-database';
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
/** How often this replica writes the unmatched names it counted: one statement for all of them. */
const FLUSH_EVERY_MS = 1000;
/** Distinct (workspace, name) pairs held between writes; names past it wait for the next window. */
const MAX_PENDING = 10_000;

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

/** A tally with the last call it counted, whose properties become the sample when written. */
type PendingTally = UnmatchedTally & { readonly call?: SegmentCall };

interface CachedPlan {
  readonly view: TrackingPlanView;
  readonly compiled: CompiledPlan;
}

/**
 * The tracking plans, cached per workspace (dropped on every replica through
 * tsuzuku_workspace_changed), and the tally of track events that are no CS event after mapping.
 */
@Injectable()
export class TrackingPlanService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(TrackingPlanService.name);
  private readonly cache = new WorkspaceCache<CachedPlan>(CACHE_TTL_MS);
  // Counted since the last write, by workspace and name. Many requests naming the same event
  // would otherwise each update its one row, and wait on each other's lock.
  private pending = new Map<string, PendingTally>();

  constructor(
    private readonly repository: TrackingPlanRepository,
    relay: OutboxRelay,
    private readonly jobs: BackgroundJobs,
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

  onApplicationBootstrap(): void {
    this.jobs.schedule({ name: 'unmatched-events', everyMs: FLUSH_EVERY_MS, run: () => this.flush() });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush().catch((error: unknown) =>
      this.logger.warn(`unmatched event counts not written at shutdown: ${(error as Error).message}`),
    );
  }

  /**
   * Tallies the valid track calls of one request whose name is no CS event (after mapping), in
   * memory; written within FLUSH_EVERY_MS. No I/O on the collect path.
   */
  countUnmatched(workspaceId: string, calls: readonly SegmentCall[], at: Date): void {
    for (const call of calls) {
      if (call.type !== 'track' || call.event === undefined || isCsEvent(call.event)) continue;
      this.add({ workspaceId, name: call.event, count: 1, lastSeenAt: at.toISOString(), call });
    }
  }

  /** Writes what was counted since the last write, in one statement; kept for the next on failure. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const taken = this.pending;
    this.pending = new Map();
    const rows = [...taken.values()].map(({ call, ...row }) => ({
      ...row,
      sample: sampleOf(call?.properties),
    }));
    try {
      await this.repository.countUnmatched(rows);
    } catch (error) {
      for (const tally of taken.values()) this.add(tally);
      throw error;
    }
  }

  private add(tally: PendingTally): void {
    const key = `${tally.workspaceId}\u0000${tally.name}`;
    const known = this.pending.get(key);
    if (known) {
      const later = tally.lastSeenAt >= known.lastSeenAt;
      this.pending.set(key, {
        ...(later ? tally : known),
        count: known.count + tally.count,
      });
    } else if (this.pending.size < MAX_PENDING) this.pending.set(key, tally);
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
