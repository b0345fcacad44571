import { DataSource } from 'typeorm';
import { loadConfig, ServiceConfig } from '@tsuzuku/platform-config';
import {
  ServiceDatabase,
  migrate,
  revertLastMigration,
  serviceDataSourceOptions,
} from './service-data-source';

/** `migrate` applies the pending migrations of a service's schema; `revert` undoes the last one. */
export async function runMigrationCli(
  service: string,
  database: ServiceDatabase,
  configClass: new () => ServiceConfig,
  argv: readonly string[] = process.argv.slice(2),
): Promise<number> {
  const command = argv[0] ?? 'migrate';
  if (command !== 'migrate' && command !== 'revert') {
    process.stderr.write(`usage: migrate | revert (got "${command}")\n`);
    return 2;
  }
  const config = loadConfig(configClass);
  const dataSource = new DataSource(serviceDataSourceOptions(config, database, `tsuzuku-${service}-migrate`));
  try {
    if (command === 'migrate') {
      const applied = await migrate(dataSource, config.DATABASE_URL, database.schema);
      process.stdout.write(
        applied.length
          ? `${service}: applied ${applied.join(', ')}\n`
          : `${service}: schema ${database.schema} is up to date\n`,
      );
    } else {
      await revertLastMigration(dataSource);
      process.stdout.write(`${service}: reverted the last migration of schema ${database.schema}\n`);
    }
    return 0;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}
