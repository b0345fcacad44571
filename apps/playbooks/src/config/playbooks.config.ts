import { IsEmail, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { ServiceConfig, ToNumber } from '@tsuzuku/platform-config';

/** Environment of the playbooks service. */
export class PlaybooksConfig extends ServiceConfig {
  override PORT = 3004;

  /** How often the engine looks for due run work (timers, retries, new runs also wake it). */
  @ToNumber()
  @IsInt()
  @Min(10)
  @Max(60_000)
  PLAYBOOK_TICK_MS = 1000;

  /** Runs one tick claims at most. */
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(5000)
  PLAYBOOK_BATCH_SIZE = 200;

  /** How often days-before-renewal and schedule triggers are checked. */
  @ToNumber()
  @IsInt()
  @Min(1000)
  PLAYBOOK_SWEEP_MS = 60_000;

  /** Attempts at an email, webhook or notify step before it fails the run. */
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(20)
  PLAYBOOK_STEP_MAX_ATTEMPTS = 5;

  /** First retry delay of a failed step; doubles per attempt (with jitter), capped at 10 minutes. */
  @ToNumber()
  @IsInt()
  @Min(10)
  PLAYBOOK_RETRY_BASE_MS = 5000;

  /** Timeout of one outgoing webhook or notify call. */
  @ToNumber()
  @IsInt()
  @Min(100)
  @Max(120_000)
  PLAYBOOK_HTTP_TIMEOUT_MS = 10_000;

  /**
   * The backfill horizon: a trigger older than this by event time (an alert, a phase change, a
   * Subscription Started, a renewal seen in a state of the past) starts no run; the decision is
   * recorded as too_old.
   */
  @ToNumber()
  @IsInt()
  @Min(1)
  PLAYBOOK_TRIGGER_MAX_AGE_HOURS = 24;

  /**
   * How long a trigger on an account with no profile yet (no account.updated seen) waits for
   * one before it is evaluated on what is known; kept in a table, so restarts keep it.
   */
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(86_400)
  PLAYBOOK_PROFILE_WAIT_SECONDS = 300;

  /**
   * Who gets the tasks a step assigns to `manager` (unset: the workspace's fallback owner, a
   * workspace setting of ingestion's that replaced PLAYBOOK_DEFAULT_OWNER).
   */
  @IsOptional()
  @IsEmail()
  PLAYBOOK_MANAGER_EMAIL?: string = undefined;

  /** SMTP server of email steps (smtp://user:pass@host:port); unset: email steps are skipped. */
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string = undefined;

  @IsString()
  EMAIL_FROM = 'Tsuzuku <playbooks@tsuzuku.local>';
}
