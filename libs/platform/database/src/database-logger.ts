import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/**
 * TypeORM's logger for every data source: SQL text, error codes and constraint names, never
 * the parameters (they hold signing secrets, URLs with tokens, playbook definitions).
 */
export class DatabaseLogger implements TypeOrmLogger {
  private readonly logger = new Logger('Database');

  /** Every query passes here: too many to log, and with values they would leak. */
  logQuery(): void {}

  /** The caller gets the error and decides; this only notes which statement failed. */
  logQueryError(error: string | Error, query: string): void {
    const { code, constraint } = (typeof error === 'string' ? {} : error) as {
      code?: unknown;
      constraint?: unknown;
    };
    const what = [code, constraint].filter((v) => typeof v === 'string').join(' on ') || 'error';
    this.logger.debug(`query failed (${what}): ${oneLine(query)}`);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`query took ${time} ms: ${oneLine(query)}`);
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.debug(String(message));
  }
}
