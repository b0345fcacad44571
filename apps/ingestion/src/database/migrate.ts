// node dist/database/migrate.js migrate|revert|status — the db:migrate, db:migrate:revert and db:migrate:status Nx targets.
import { runMigrationCli } from '@tsuzuku/platform-database';
import { IngestionConfig } from '../config/ingestion.config';
import { ingestionDatabase } from './ingestion.database';

runMigrationCli('ingestion', ingestionDatabase, IngestionConfig).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`ingestion: migration failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
