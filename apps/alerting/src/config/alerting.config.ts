import { IsEmail, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min } from 'class-validator';
import { ServiceConfig, ToNumber } from '@tsuzuku/platform-config';

/** Environment of the alerting service. */
export class AlertingConfig extends ServiceConfig {
  override PORT = 3003;

  /** How often every account is re-evaluated for what time alone changes, and snoozes end. */
  @ToNumber()
  @IsInt()
  @Min(100)
  ALERT_SWEEP_INTERVAL_MS = 60_000;

  /** SMTP server of the email channels, e.g. smtp://user:pass@mail.example.com:587. */
  @IsOptional()
  @Matches(/^smtps?:\/\/.+/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string = undefined;

  /**
   * Where people reach Tsuzuku's APIs from outside: notifications link to an account as
   * `${PUBLIC_API_BASE_URL}/v1/accounts/{id}` (health-scoring's accounts API).
   */
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  PUBLIC_API_BASE_URL = 'http://localhost:3002';

  /** Sender of alert emails. */
  @IsString()
  @IsEmail({ require_tld: false })
  ALERT_EMAIL_FROM = 'alerts@tsuzuku.local';

  /** Wait before the first retry of a failed delivery; doubles with each attempt. */
  @ToNumber()
  @IsInt()
  @Min(10)
  DELIVERY_BACKOFF_BASE_MS = 5_000;

  @ToNumber()
  @IsInt()
  @Min(10)
  DELIVERY_BACKOFF_MAX_MS = 3_600_000;

  /** Attempts before a delivery is marked failed. */
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(50)
  DELIVERY_MAX_ATTEMPTS = 10;

  /** Time allowed for one webhook request or email. */
  @ToNumber()
  @IsInt()
  @Min(100)
  DELIVERY_TIMEOUT_MS = 10_000;

  /** How often the delivery worker looks for due deliveries when nothing woke it. */
  @ToNumber()
  @IsInt()
  @Min(10)
  DELIVERY_POLL_MS = 1_000;

  /** Deliveries in flight at once. */
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(500)
  DELIVERY_CONCURRENCY = 32;
}
