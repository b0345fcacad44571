import { IsISO8601, IsInt, IsOptional, Max, Min } from 'class-validator';
import { GrpcServiceConfig, ToNumber } from '@tsuzuku/platform-config';

/** The port of the gRPC AccountsService when GRPC_PORT is not set. */
export const DEFAULT_GRPC_PORT = 5002;

/** Environment of the health-scoring service. */
export class HealthScoringConfig extends GrpcServiceConfig {
  override PORT = 3002;

  /** How often every account is rescored for what time alone changes (default hourly). */
  @ToNumber()
  @IsInt()
  @Min(1000)
  SWEEP_INTERVAL_MS = 3_600_000;

  /**
   * A workspace's churn model is trained again once its latest training is this old (default
   * daily); checked every CHURN_MODEL_CHECK_MS, once per cluster. POST /v1/churn-model/train
   * trains it at once.
   */
  @ToNumber()
  @IsInt()
  @Min(60_000)
  CHURN_MODEL_MAX_AGE_MS = 86_400_000;

  /** How often the workspaces whose churn model is due are looked for. */
  @ToNumber()
  @IsInt()
  @Min(1_000)
  @Max(86_400_000)
  CHURN_MODEL_CHECK_MS = 900_000;

  /** How often overrides past their expiry are ended. */
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  OVERRIDE_CHECK_MS = 15_000;

  /**
   * How long a workspace's settings and scorecards are cached. A change made through this
   * instance is seen here at once; one made through another replica, within this bound.
   */
  @ToNumber()
  @IsInt()
  @Min(0)
  @Max(300_000)
  WORKSPACE_CACHE_TTL_MS = 10_000;

  /**
   * Events older than this many hours (by event time) are history, as are those sent through
   * /v1/import: they rebuild the score history at event time and act on nothing of the present.
   */
  @ToNumber()
  @IsInt()
  @Min(1)
  BACKFILL_HORIZON_HOURS = 24;

  /**
   * How long an account's history must have been quiet before its present state is announced
   * once (alerts and playbooks then act on what holds at the end of the import).
   */
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  BACKFILL_SETTLE_MS = 30_000;

  /**
   * Scores every account as of this instant (ISO 8601) instead of the present: for reproducible
   * comparisons of two runs of one history (the chaos suite against its clean run). Unset in
   * production, where scores follow the clock.
   */
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'SCORING_AS_OF must be an ISO 8601 instant' })
  SCORING_AS_OF?: string = undefined;
}
