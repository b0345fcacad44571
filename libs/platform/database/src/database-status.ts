import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LockHolder, describeHolder } from './migration-lock';
import { ServiceDatabase, migrate } from './service-data-source';

export interface DatabaseStatusSettings {
  readonly DATABASE_URL: string;
  readonly DB_MIGRATE: boolean;
  readonly MIGRATION_LOCK_TIMEOUT_MS: number;
}

/**
 * Whether the service's database is usable: connected and migrated at start-up, and not lost
 * since. Connection errors of every pooled client land in `lost()`; whoever reconnects (the
 * runtime's DatabaseWatch) calls `connect()` or `verify()` until one succeeds. Holds no loop
 * itself: it is the state that readiness, consumers and the outbox relay look at.
 */
export class DatabaseStatus {
  private readonly logger = new Logger('Database');
  private usable = false;
  private connectedOnce = false;
  private problem = 'not connected yet';
  private readonly lostListeners = new Set<(error: Error) => void>();
  private connecting?: Promise<string[]>;
  private markFirstReady!: () => void;
  private readonly firstReady = new Promise<void>((resolve) => (this.markFirstReady = resolve));

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: DatabaseStatusSettings,
    readonly database: ServiceDatabase,
  ) {}

  /** "Postgres at db.internal:5432/tsuzuku", never the credentials. */
  get target(): string {
    const url = new URL(this.settings.DATABASE_URL);
    return `Postgres at ${url.hostname}:${url.port || '5432'}${url.pathname}`;
  }

  get ready(): boolean {
    return this.usable;
  }

  /** Why it is not ready, for the readiness answer and the logs. */
  get reason(): string | undefined {
    return this.usable ? undefined : this.problem;
  }

  /** Resolves once the database was first connected (and migrated when DB_MIGRATE). */
  whenStarted(): Promise<void> {
    return this.firstReady;
  }

  /** Registers a listener for lost connections; returns its removal. */
  onLost(listener: (error: Error) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  /**
   * One attempt at start-up: opens the pool and, when DB_MIGRATE, creates the database if missing
   * and applies the pending migrations. Returns the migrations applied. Callers at the same
   * time share one attempt.
   */
  connect(): Promise<string[]> {
    this.connecting ??= this.connectOnce().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connectOnce(): Promise<string[]> {
    try {
      let applied: string[] = [];
      if (this.settings.DB_MIGRATE) {
        applied = await migrate(this.dataSource, this.settings.DATABASE_URL, this.database.schema, {
          lockTimeoutMs: this.settings.MIGRATION_LOCK_TIMEOUT_MS,
          onLockWait: (holder, waitedMs) => this.lockWait(holder, waitedMs),
        });
      } else if (!this.dataSource.isInitialized) {
        await this.dataSource.initialize();
      }
      await this.verify();
      if (!this.connectedOnce) {
        this.connectedOnce = true;
        this.markFirstReady();
      }
      return applied;
    } catch (error) {
      this.failed(error);
      throw error;
    }
  }

  /** A fresh round trip; marks the database ready again when it answers. */
  async verify(): Promise<void> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch (error) {
      // After start-up, a failed check is a lost database: it turns not ready and is watched.
      if (this.connectedOnce) this.lost(error as Error);
      else this.failed(error);
      throw error;
    }
    if (!this.usable && this.connectedOnce) this.logger.log(`${this.target} answers again`);
    this.usable = true;
  }

  /** A connection of the pool was lost: not ready until a reconnect succeeds. */
  lost(error: Error): void {
    if (!this.connectedOnce) return;
    const wasUsable = this.usable;
    this.failed(error);
    if (!wasUsable) return;
    this.logger.warn(
      `lost a connection to ${this.target}: ${this.problem}; not ready until it answers again`,
    );
    for (const listener of this.lostListeners) listener(error);
  }

  private failed(error: unknown): void {
    this.usable = false;
    const code = (error as { code?: unknown }).code;
    this.problem = `${typeof code === 'string' ? `${code} ` : ''}${(error as Error).message ?? String(error)}`;
  }

  private lockWait(holder: LockHolder | undefined, waitedMs: number): void {
    this.problem = `waiting ${Math.round(waitedMs / 1000)} s for the migration lock of schema ${this.database.schema}, held by ${holder ? describeHolder(holder) : 'a session that just let go'}`;
    this.logger.warn(this.problem);
  }
}

// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: admin shutdown,
// crash shutdown, cannot connect now), and the errors pg and TypeORM raise without a server.
const UNAVAILABLE_CODES =
  /^(08[0-9A-Z]{3}|57P0[1-3]|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)$/;
const UNAVAILABLE_MESSAGES =
  /Connection terminated|not queryable|Driver not Connected|timeout exceeded when trying to connect/i;

/**
 * True when an error says the database could not be reached (connection refused or lost, server
 * shutting down or starting), not that the statement was wrong: such work is worth retrying
 * until the database is back, and is never a reason to give a message up.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.test(code)) return true;
  if (UNAVAILABLE_MESSAGES.test(error.message)) return true;
  const cause = (error as { cause?: unknown }).cause ?? (error as { driverError?: unknown }).driverError;
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}
