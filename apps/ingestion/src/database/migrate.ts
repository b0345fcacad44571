// node dist/database/migrate.js migrate|revert|status — the db:migrate, db:migrate:revert and db:migrate:status Nx targets.
import { runMigrationMain } from '@tsuzuku/platform-database';
import { IngestionConfig } from '../config/ingestion.config';
import { ingestionDatabase } from './ingestion.database';

runMigrationMain('ingestion', ingestionDatabase, IngestionConfig);
