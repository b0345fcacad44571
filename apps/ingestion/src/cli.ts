// npm run cli -- <command>: workspaces and credentials from the shell, printed as JSON.
import './instrumentation';
import { HttpException, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { isEmail } from 'class-validator';
import { API_SCOPES, ApiScope } from '@tsuzuku/contracts';
import { ConfigError, loadConfig } from '@tsuzuku/platform-config';
import { DatabaseStatus } from '@tsuzuku/platform-database';
import { IngestionConfig } from './config/ingestion.config';
import { AppModule } from './app.module';
import { CredentialKind, CredentialsService } from './workspaces/credentials.service';
import { DeadLettersService } from './dead-letters/dead-letters.service';
import { DeadLetterFilter, deadLetterTable, isDeadLetterTopic } from './dead-letters/domain/dead-letter';
import { DEAD_LETTER_TOPICS } from './topics';

const USAGE = `usage: npm run cli -- <command>
  workspace create <name> --fallback-owner <email> | --no-fallback-owner
                                                a workspace, its first write key and an admin API token;
                                                the fallback owner gets the alerts and tasks of accounts
                                                that name no owner (required: say none out loud)
  workspace list
  write-key create <workspaceId> <source>
  write-key list|rotate|revoke <workspaceId> [<id>]
  api-token create <workspaceId> <name> [--scopes read,write,admin]
  api-token list|rotate|revoke <workspaceId> [<id>]
  dlq list [<filters>]                          dead letters, as a table
  dlq show <id>                                 one dead letter, as JSON (id: <topic>/<partition>@<offset>)
  dlq replay <id>... | <filters>                re-publish to the origin topic, original key, replay header
    filters: --topic ${DEAD_LETTER_TOPICS.join('|')} (default: both; replay: ${DEAD_LETTER_TOPICS[0]})
             --workspace <id>  --since <ISO time>  --until <ISO time>  --reason <error code or text>`;

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

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : need(args, at + 1, `the value after ${name}`);
}

function timeOption(args: string[], name: string): Date | undefined {
  const value = option(args, name);
  if (value === undefined) return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new UsageError(`${name}: "${value}" is not an ISO 8601 time`);
  return time;
}

const FILTER_OPTIONS = ['--topic', '--workspace', '--since', '--until', '--reason'];

/** The fallback owner of `workspace create`: an email, or null when --no-fallback-owner says so. */
function fallbackOwnerOf(args: string[]): string | null {
  const given = args.includes('--fallback-owner');
  const none = args.includes('--no-fallback-owner');
  if (given && none) throw new UsageError('give --fallback-owner <email> or --no-fallback-owner, not both');
  if (none) return null;
  if (!given)
    throw new UsageError(
      'workspace create needs --fallback-owner <email> (who gets the alerts and tasks of accounts with no owner) or --no-fallback-owner',
    );
  const email = need(args, args.indexOf('--fallback-owner') + 1, 'the email after --fallback-owner');
  if (!isEmail(email) || email.length > 320)
    throw new UsageError(`--fallback-owner: "${email}" is not an email address`);
  return email;
}

/** The filters of a dlq command; `defaultTopics` when no --topic is given. */
function filterOf(args: string[], defaultTopics: DeadLetterFilter['topics']): DeadLetterFilter {
  const topic = option(args, '--topic');
  if (topic !== undefined && !isDeadLetterTopic(topic))
    throw new UsageError(`--topic: "${topic}" is not a dead-letter topic (${DEAD_LETTER_TOPICS.join(', ')})`);
  const workspaceId = option(args, '--workspace');
  const since = timeOption(args, '--since');
  const until = timeOption(args, '--until');
  const reason = option(args, '--reason');
  return {
    topics: topic ? [topic] : defaultTopics,
    ...(workspaceId !== undefined ? { workspaceId } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** The words of a command that are not options or option values. */
function positional(args: string[]): string[] {
  return args.filter((a, i) => !a.startsWith('--') && !FILTER_OPTIONS.includes(args[i - 1] ?? ''));
}

async function deadLetters(service: DeadLettersService, args: string[]): Promise<unknown> {
  const verb = args[1];
  const ids = positional(args).slice(2);
  switch (verb) {
    case 'list':
      return deadLetterTable(await service.list(filterOf(args, DEAD_LETTER_TOPICS)));
    case 'show':
      return service.show(need(args, 2, 'the dead letter id'));
    case 'replay': {
      if (ids.length > 0) return service.replay(await Promise.all(ids.map((id) => service.show(id))));
      if (!args.some((a) => FILTER_OPTIONS.includes(a)))
        throw new UsageError(
          'dlq replay: give the ids to replay, or filters (replaying everything takes --since)',
        );
      return service.replay(await service.list(filterOf(args, [DEAD_LETTER_TOPICS[0]])));
    }
    default:
      throw new UsageError(`unknown command "${args.join(' ')}"`);
  }
}

async function run(context: INestApplicationContext, args: string[]): Promise<unknown> {
  const [noun, verb] = args;
  if (noun === 'dlq') return deadLetters(context.get(DeadLettersService), args);
  const service = context.get(CredentialsService);
  if (noun === 'workspace' && verb === 'create')
    return service.createWorkspace(need(args, 2, 'the workspace name'), fallbackOwnerOf(args));
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
    context = await NestFactory.createApplicationContext(AppModule.cli(config), { logger: ['error'] });
    await context.init();
    // The service connects in the background and waits while Postgres is away; a command fails at once.
    await context.get(DatabaseStatus).connect();
    const result = await run(context, args);
    process.stdout.write(`${typeof result === 'string' ? result : JSON.stringify(result, null, 2)}\n`);
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
