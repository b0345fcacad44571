// npm run reporting:rebuild [-- --workspace <id>] (node apps/reporting/dist/rebuild.js): empties
// reporting's read models (of one workspace with --workspace), replays cs.events.v1,
// cs.accounts.v1, cs.health.v1, cs.alerts.v1 and cs.playbooks.v1 from the beginning (with
// --workspace, applying only that workspace's messages), prints a JSON summary line and exits
// (0 done, 1 failed, 2 bad arguments). The running service may stay up: its writes and the
// replay's are idempotent by event id.
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from '@tsuzuku/platform-config';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { PlatformModule } from '@tsuzuku/platform-runtime';
import { ReportingConfig } from './config/reporting.config';
import { reportingDatabase } from './database/reporting.database';
import { ReadModelsModule } from './read-models/read-models.module';
import { RebuildRunner } from './read-models/rebuild.runner';

@Module({})
class RebuildModule {
  static register(config: ReportingConfig): DynamicModule {
    return {
      module: RebuildModule,
      imports: [PlatformModule.forService('reporting-rebuild', config, reportingDatabase), ReadModelsModule],
      providers: [RebuildRunner],
    };
  }
}

async function main(): Promise<number> {
  let workspaceId: string | undefined;
  try {
    const { values } = parseArgs({ options: { workspace: { type: 'string' } }, strict: true });
    workspaceId = values.workspace;
  } catch (error) {
    process.stderr.write(
      `reporting rebuild: ${(error as Error).message} (usage: rebuild [--workspace <id>])\n`,
    );
    return 2;
  }
  if (workspaceId !== undefined && workspaceId.trim() === '') {
    process.stderr.write('reporting rebuild: --workspace: give a workspace id\n');
    return 2;
  }
  let config: ReportingConfig;
  try {
    config = loadConfig(ReportingConfig);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`reporting rebuild: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const app = await NestFactory.createApplicationContext(RebuildModule.register(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  try {
    // The platform connects in the background (a service waits for Postgres); a script fails at once.
    await app.get(DatabaseStatus).connect();
    const result = await app.get(RebuildRunner).run(workspaceId === undefined ? {} : { workspaceId });
    process.stdout.write(`${JSON.stringify({ rebuilt: true, ...result })}\n`);
    return 0;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`reporting rebuild failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
