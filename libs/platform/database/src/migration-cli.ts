import { DataSource } from 'typeorm';
import { loadConfig, ServiceConfig } from '@tsuzuku/platform-config';
import { describeHolder } from './migration-lock';
import {
  ServiceDatabase,
  migrate,
  migrationStatus,
  revertLastMigration,
  serviceDataSourceOptions,
} from './service-data-source';

const COMMANDS = ['migrate', 'revert', 'status'] as const;

/**
 * `migrate` applies the pending migrations of a service's schema (waiting at most
 * MIGRATION_LOCK_TIMEOUT_MS for another instance's migration); `revert` undoes the last one;
 * `status` lists the applied and the pending ones.
 */
export async function runMigrationCli(
  service: string,
  database: ServiceDatabase,
  configClass: new () => ServiceConfig,
  argv: readonly string[] = process.argv.slice(2),
): Promise<number> {
  const command = argv[0] ?? 'migrate';
  if (!(COMMANDS as readonly string[]).includes(command)) {
    process.stderr.write(`usage: ${COMMANDS.join(' | ')} (got "${command}")\n`);
    return 2;
  }
  const config = loadConfig(configClass);
  const dataSource = new DataSource(serviceDataSourceOptions(config, database, `tsuzuku-${service}-migrate`));
  try {
    if (command === 'migrate') {
      const applied = await migrate(dataSource, config.DATABASE_URL, database.schema, {
        lockTimeoutMs: config.MIGRATION_LOCK_TIMEOUT_MS,
        onLockWait: (holder, waitedMs) =>
          process.stderr.write(
            `${service}: waiting ${Math.round(waitedMs / 1000)} s for the migration lock of schema ${database.schema}, held by ${holder ? describeHolder(holder) : 'a session that just let go'}\n`,
          ),
      });
      process.stdout.write(
        applied.length
          ? `${service}: applied ${applied.join(', ')}\n`
          : `${service}: schema ${database.schema} is up to date\n`,
      );
    } else if (command === 'status') {
      const status = await migrationStatus(dataSource, database.schema);
      const lines = [
        `${service} (schema ${status.schema}): ${status.applied.length} applied, ${status.pending.length} pending`,
        ...status.applied.map((name) => `  applied  ${name}`),
        ...status.pending.map((name) => `  pending  ${name}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } else {
      await revertLastMigration(dataSource);
      process.stdout.write(`${service}: reverted the last migration of schema ${database.schema}\n`);
    }
    return 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

/** A service's `database/migrate.ts` entry point: runs `runMigrationCli` and exits with its code (1 when it throws). */
export function runMigrationMain(
  service: string,
  database: ServiceDatabase,
  configClass: new () => ServiceConfig,
): void {
  runMigrationCli(service, database, configClass).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${service}: migration failed: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
