import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock, OutboundHttpClient } from '@tsuzuku/platform-runtime';
import { AccountProfileRepository } from '../engine/account-profile.repository';
import { accountKey } from '../engine/account-store';
import { inAudience, isHeldOut } from './domain/conditions';
import { validateDefinition } from './domain/definition-validation';
import { PlaybookDefinition } from './domain/playbook-definition';
import { PredictedStep, predictRun } from './domain/run-machine';
import { maskDefinition, unmaskDefinition } from './domain/secret-masking';
import { PlaybookException } from './playbook.exception';
import { PlaybookStore, StoredPlaybook } from './playbook-store';

/** A playbook as the API shows it: the current version's definition, flattened. */
export type PlaybookView = PlaybookDefinition & {
  readonly id: string;
  readonly version: number;
  readonly template: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
};

export interface DryRunResult {
  readonly playbookId: string;
  readonly version: number;
  readonly accountId: string;
  readonly inAudience: boolean;
  readonly holdout: boolean;
  /** What a run started now would do; empty when out of the audience or held out. */
  readonly steps: readonly PredictedStep[];
  readonly ending: 'completed' | 'exited' | 'not_started';
  readonly reason: string | null;
}

/** The API's view of a playbook: webhook secrets masked. */
export function viewOf(p: StoredPlaybook): PlaybookView {
  return {
    id: p.id,
    version: p.version,
    template: p.template,
    ...maskDefinition(p.definition),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

/** Fields the API shows but a client does not set: a playbook as read can be sent back as is. */
const READ_ONLY = ['id', 'version', 'template', 'createdAt', 'updatedAt'];

function withoutReadOnly(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => !READ_ONLY.includes(k)));
}

const invalid = (problems: readonly { path: string; message: string }[]) =>
  new PlaybookException('invalid_playbook', 'the playbook definition is invalid', problems);
const notFound = (id: string) =>
  new PlaybookException('playbook_not_found', `no playbook ${id} in this workspace`);

/** Playbook definitions: validated, versioned (every change is a new version), and the dry run. */
@Injectable()
export class PlaybooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly store: PlaybookStore,
    private readonly outbound: OutboundHttpClient,
    private readonly accounts: AccountProfileRepository,
    private readonly clock: Clock,
  ) {}

  /** The outbound policy, checked when a definition is stored and again at every call. */
  private readonly urlPolicy = (url: string) => this.outbound.urlProblem(url);

  async list(workspaceId: string): Promise<PlaybookView[]> {
    await this.store.ensureWorkspaceNow(workspaceId);
    return (await this.store.list(workspaceId)).map(viewOf);
  }

  async get(workspaceId: string, id: string): Promise<PlaybookView> {
    await this.store.ensureWorkspaceNow(workspaceId);
    const found = await this.store.get(this.dataSource.manager, workspaceId, id);
    if (!found) throw notFound(id);
    return viewOf(found);
  }

  async version(workspaceId: string, id: string, version: number): Promise<PlaybookView> {
    const current = await this.get(workspaceId, id);
    const row = await this.store.versionRow(id, version);
    if (!row)
      throw new PlaybookException('playbook_version_not_found', `playbook ${id} has no version ${version}`);
    return { ...current, ...maskDefinition(row.definition), version, updatedAt: row.createdAt };
  }

  async create(workspaceId: string, body: unknown): Promise<PlaybookView> {
    const checked = validateDefinition(withoutReadOnly(body), this.urlPolicy);
    if (!checked.ok) throw invalid(checked.problems);
    await this.store.ensureWorkspaceNow(workspaceId);
    return viewOf(
      await this.dataSource.transaction((m) =>
        this.store.insert(m, workspaceId, checked.definition, null, this.clock.now()),
      ),
    );
  }

  /** Replaces the definition (PUT) or changes some of its top-level fields (PATCH): a new version either way. */
  async update(workspaceId: string, id: string, body: unknown, partial: boolean): Promise<PlaybookView> {
    await this.store.ensureWorkspaceNow(workspaceId);
    return this.dataSource.transaction(async (m) => {
      const current = await this.store.get(m, workspaceId, id, true);
      if (!current) throw notFound(id);
      // Secrets and URLs come back masked as they were read: the current ones are put back.
      let input = unmaskDefinition(withoutReadOnly(body), current.definition);
      if (partial) {
        if (body === null || typeof body !== 'object' || Array.isArray(body))
          throw invalid([{ path: '', message: 'must be an object' }]);
        input = { ...current.definition, ...(input as object) };
      }
      const checked = validateDefinition(input, this.urlPolicy);
      if (!checked.ok) throw invalid(checked.problems);
      const updated = await this.store.newVersion(
        m,
        workspaceId,
        current.id,
        checked.definition,
        this.clock.now(),
      );
      return viewOf(updated!);
    });
  }

  /** Deletes a playbook: it starts no more runs; runs under way finish with the version they started with. */
  async remove(workspaceId: string, id: string): Promise<PlaybookView> {
    const removed = await this.dataSource.transaction((m) =>
      this.store.softDelete(m, workspaceId, id, this.clock.now()),
    );
    if (!removed) throw notFound(id);
    return viewOf(removed);
  }

  /** What a run started now for the account would do, without doing anything. */
  async dryRun(workspaceId: string, id: string, accountId: string): Promise<DryRunResult> {
    const playbook = await this.get(workspaceId, id);
    const account = (await this.accounts.load(this.dataSource.manager, [{ workspaceId, accountId }])).get(
      accountKey(workspaceId, accountId),
    );
    if (!account)
      throw new PlaybookException('account_not_found', `no account ${accountId} is known in this workspace`);
    const base = { playbookId: playbook.id, version: playbook.version, accountId };
    const matches = inAudience(playbook.audience, account);
    const holdout = isHeldOut(accountId, playbook.id, playbook.holdoutPercent);
    if (!matches || holdout)
      return {
        ...base,
        inAudience: matches,
        holdout,
        steps: [],
        ending: 'not_started',
        reason: matches ? 'the account is in the holdout group' : 'the account is not in the audience',
      };
    const predicted = predictRun(playbook, {
      ...account,
      runStartedAt: this.clock.now().toISOString(),
      tasks: new Map(),
      alertResolved: false,
    });
    return { ...base, inAudience: true, holdout: false, ...predicted };
  }
}
