// node dist/database/migrate.js migrate|revert — the db:migrate and db:migrate:revert Nx targets.
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
