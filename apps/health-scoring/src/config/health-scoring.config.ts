import { IsInt, Max, Min } from 'class-validator';
import { ServiceConfig, ToNumber } from '@tsuzuku/platform-config';

/** Environment of the health-scoring service. */
export class HealthScoringConfig extends ServiceConfig {
  override PORT = 3002;

  /** How often every account is rescored for what time alone changes (default hourly). */
  @ToNumber()
  @IsInt()
  @Min(1000)
  SWEEP_INTERVAL_MS = 3_600_000;

  /** How often overrides past their expiry are ended. */
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  OVERRIDE_CHECK_MS = 15_000;
}
