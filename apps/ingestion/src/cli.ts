// npm run cli -- <command>: workspaces and credentials from the shell, printed as JSON.
import './instrumentation';
import { HttpException, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { API_SCOPES, ApiScope } from '@tsuzuku/contracts';
import { ConfigError, loadConfig } from '@tsuzuku/platform-config';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { IngestionConfig } from './config/ingestion.config';
import { AppModule } from './app.module';
import { CredentialKind, CredentialsService } from './workspaces/credentials.service';

const USAGE = `usage: npm run cli -- <command>
  workspace create <name>                       a workspace, its first write key and an admin API token
  workspace list
  write-key create <workspaceId> <source>
  write-key list|rotate|revoke <workspaceId> [<id>]
  api-token create <workspaceId> <name> [--scopes read,write,admin]
  api-token list|rotate|revoke <workspaceId> [<id>]`;

class UsageError extends Error {}

function need(args: string[], index: number, what: string): string {
  const value = args[index];
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

function scopesOf(args: string[]): ApiScope[] {
  const at = args.indexOf('--scopes');
  if (at === -1) return ['read'];
  const scopes = need(args, at + 1, 'the scopes after --scopes').split(',');
  const unknown = scopes.filter((s) => !(API_SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0)
    throw new UsageError(`unknown scope ${unknown.join(', ')}: use ${API_SCOPES.join(', ')}`);
  return scopes as ApiScope[];
}

async function run(service: CredentialsService, args: string[]): Promise<unknown> {
  const [noun, verb] = args;
  if (noun === 'workspace' && verb === 'create')
    return service.createWorkspace(need(args, 2, 'the workspace name'));
  if (noun === 'workspace' && verb === 'list') return service.listWorkspaces();
  const kinds: Record<string, CredentialKind> = { 'write-key': 'write_key', 'api-token': 'api_token' };
  const kind = noun ? kinds[noun] : undefined;
  if (!kind) throw new UsageError(`unknown command "${args.join(' ')}"`);
  const workspaceId = need(args, 2, 'the workspace id');
  switch (verb) {
    case 'create':
      return kind === 'write_key'
        ? service.issue(workspaceId, kind, need(args, 3, 'the source name'), [])
        : service.issue(workspaceId, kind, need(args, 3, 'the token name'), scopesOf(args));
    case 'list':
      return service.list(workspaceId, kind);
    case 'rotate':
      return service.rotate(workspaceId, kind, need(args, 3, 'the credential id'));
    case 'revoke':
      return service.revoke(workspaceId, kind, need(args, 3, 'the credential id'));
    default:
      throw new UsageError(`unknown command "${args.join(' ')}"`);
  }
}

async function main(args: string[]): Promise<number> {
  if (args.length === 0 || args[0] === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return args.length === 0 ? 2 : 0;
  }
  let context: INestApplicationContext | undefined;
  try {
    const config = loadConfig(IngestionConfig);
    config.LOG_LEVEL = 'warn';
    context = await NestFactory.createApplicationContext(AppModule.register(config), { logger: ['error'] });
    await context.init();
    // The service connects in the background and waits while Postgres is away; a command fails at once.
    await context.get(DatabaseStatus).connect();
    const result = await run(context.get(CredentialsService), args);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n${USAGE}\n`);
    else if (error instanceof HttpException) process.stderr.write(`${JSON.stringify(error.getResponse())}\n`);
    else if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`failed: ${(error as Error).message}\n`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await context?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  () => process.exit(1),
);
