import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock, pickFields, readAheadPage } from '@tsuzuku/platform-runtime';
import { OverrideRepository } from '../scoring/override.repository';
import { OwnerAssigner, Rescorer } from '../scoring/ports';
import { AccountsException } from './accounts.exception';
import { AccountRecord, AccountsRepository } from './accounts.repository';
import { AccountCursor, AccountSort } from './domain/account-cursor';
import { ACCOUNT_CURSORS } from './account-cursors';
import { decisiveMeasures } from './domain/decisive-measures';
import { HealthTrends, healthTrends, trendHorizons } from './domain/score-trend';
import {
  AccountDto,
  AccountPageDto,
  AccountSummaryDto,
  HealthAsOfDto,
  HealthDto,
  HealthExplanationDto,
  HealthHistoryDto,
} from './dto/account.dto';
import { HealthHistoryQuery } from './dto/history.query';
import { ListAccountsQuery } from './dto/list-accounts.query';
import { SetOverrideDto } from './dto/set-override.dto';
import { ReassignAccountsDto, ReassignResultDto } from './dto/assign-owner.dto';
import { subscriptionStateOn } from '../predictions/domain/outcomes';

const DEFAULT_PAGE = 50;
const DEFAULT_HISTORY_POINTS = 500;
const DEFAULT_HISTORY_DAYS = 90;
const RECENT_EVENTS = 20;
const RECENT_CHANGES = 10;
const DAY_MS = 86_400_000;

/** Reads accounts and their health for the API; sets and clears overrides and has them applied. */
@Injectable()
export class AccountsService {
  private readonly logger = new Logger(AccountsService.name);

  constructor(
    private readonly accounts: AccountsRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rescorer: Rescorer,
    private readonly overrides: OverrideRepository,
    private readonly owners: OwnerAssigner,
    private readonly clock: Clock,
  ) {}

  /** Gives the account an owner (or none) and answers the account as it now stands. */
  async assignOwner(workspaceId: string, accountId: string, owner: string | null): Promise<AccountDto> {
    await this.found(workspaceId, accountId, this.now());
    await this.owners.assignOwner(workspaceId, { accountIds: [accountId] }, owner);
    return this.account(workspaceId, accountId);
  }

  /** Moves the selected accounts to a new owner; answers which changed owner. */
  async reassign(workspaceId: string, body: ReassignAccountsDto): Promise<ReassignResultDto> {
    const accountIds = await this.owners.assignOwner(
      workspaceId,
      { accountIds: body.accountIds, fromOwner: body.fromOwner },
      body.owner,
    );
    return { moved: accountIds.length, accountIds };
  }

  async list(workspaceId: string, query: ListAccountsQuery): Promise<AccountPageDto> {
    const sort = query.sort ?? 'score';
    const limit = query.limit ?? DEFAULT_PAGE;
    // The query DTO has decoded the cursor for its sort, and refused one it did not issue.
    const after: AccountCursor | undefined = query.cursor ? { sort, ...query.cursor } : undefined;
    const { items, nextCursor } = await readAheadPage(
      limit,
      (count) => this.accounts.page(workspaceId, query, sort, after, count, this.now()),
      ACCOUNT_CURSORS[sort],
      (last) => ({ key: sortKeyOf(last, sort), accountId: last.accountId }),
    );
    return { items: items.map(summaryOf), nextCursor };
  }

  async account(workspaceId: string, accountId: string): Promise<AccountDto> {
    const now = this.now();
    const account = await this.found(workspaceId, accountId, now);
    const trends = await this.trends(workspaceId, account, now);
    return {
      ...summaryOf(account),
      firstSeenAt: account.firstSeenAt,
      lastSeenAt: account.lastSeenAt,
      lastSignInAt: account.lastSignInAt,
      latestNps: account.latestNps,
      traits: account.traits,
      churnedAt: account.churnedAt,
      health: { ...healthOf(account), ...trends },
    };
  }

  /**
   * The health as it stood at the end of a UTC day: the history point in effect then (the latest
   * at or before it), the metric values of the latest point up to then that kept them, and the
   * subscription state then. A day to come is refused; a day before the first point is not found.
   */
  async healthAsOf(workspaceId: string, accountId: string, asOf: string): Promise<HealthAsOfDto> {
    const now = this.now();
    if (asOf > now.toISOString().slice(0, 10)) throw AccountsException.asOfInFuture(asOf);
    await this.found(workspaceId, accountId, now);
    const end = new Date(Date.parse(`${asOf}T00:00:00.000Z`) + DAY_MS - 1);
    const [point, events] = await Promise.all([
      this.accounts.pointAsOf(workspaceId, accountId, end),
      this.accounts.subscriptionEvents(workspaceId, accountId, end),
    ]);
    if (!point) throw AccountsException.noHealthAsOf(accountId, asOf);
    return {
      accountId,
      asOf,
      at: point.at,
      score: point.score,
      band: point.band,
      computedScore: point.computedScore,
      coverage: point.coverage,
      reason: point.reason,
      status: subscriptionStateOn(events, asOf),
      values: point.values,
      valuesAt: point.valuesAt,
    };
  }

  /** Why the account scores what it scores. */
  async explain(workspaceId: string, accountId: string): Promise<HealthExplanationDto> {
    const now = this.now();
    const account = await this.found(workspaceId, accountId, now);
    const { measures } = account;
    const [trends, recentEvents, recentChanges] = await Promise.all([
      this.trends(workspaceId, account, now),
      this.accounts.recentEvents(workspaceId, accountId, RECENT_EVENTS),
      this.accounts.recentChanges(workspaceId, accountId, RECENT_CHANGES),
    ]);
    const decisive = decisiveMeasures(measures);
    return {
      accountId,
      churnRisk: account.churnRisk,
      ...healthOf(account),
      ...trends,
      measures: measures.map((m) => ({
        measureId: m.measureId,
        label: m.label,
        category: m.category,
        metric: m.metric,
        value: m.value,
        points: m.points,
        weight: m.weight,
        share: m.share,
        contribution: m.contribution,
        leftOut: m.points === null,
      })),
      decisive: {
        largestDeficits: [...decisive.largestDeficits],
        largestContributions: [...decisive.largestContributions],
      },
      recentEvents,
      recentChanges,
    };
  }

  async history(
    workspaceId: string,
    accountId: string,
    query: HealthHistoryQuery,
  ): Promise<HealthHistoryDto> {
    const now = this.now();
    const account = await this.found(workspaceId, accountId, now);
    const to = query.to !== undefined ? new Date(query.to) : now;
    const from =
      query.from !== undefined
        ? new Date(query.from)
        : new Date(to.getTime() - DEFAULT_HISTORY_DAYS * DAY_MS);
    const [trends, history] = await Promise.all([
      this.trends(workspaceId, account, now),
      this.accounts.history(workspaceId, accountId, {
        from,
        to,
        limit: query.limit ?? DEFAULT_HISTORY_POINTS,
      }),
    ]);
    return {
      accountId,
      from: from.toISOString(),
      to: to.toISOString(),
      points: history.points,
      truncated: history.truncated,
      ...trends,
    };
  }

  /** Replaces any active override with this one, has it applied, and answers with the fresh health. */
  async setOverride(
    workspaceId: string,
    accountId: string,
    override: SetOverrideDto,
    author: string,
  ): Promise<HealthExplanationDto> {
    const now = this.now();
    await this.dataSource.transaction(async (m) => {
      const replaced = await this.overrides.replace(m, {
        id: randomUUID(),
        workspaceId,
        accountId,
        score: override.score,
        reason: override.reason,
        author,
        createdAt: now,
        expiresAt: override.expiresAt !== undefined ? new Date(override.expiresAt) : null,
      });
      if (!replaced) throw AccountsException.accountNotFound(accountId);
    });
    await this.rescore(workspaceId, accountId, 'override set');
    return this.explain(workspaceId, accountId);
  }

  /** Ends the active override, has the computed score apply again, and answers with the fresh health. */
  async clearOverride(workspaceId: string, accountId: string): Promise<void> {
    const cleared = await this.overrides.clear(workspaceId, accountId, this.now());
    if (!cleared) {
      await this.found(workspaceId, accountId, this.now());
      throw new AccountsException('override_not_found', `account ${accountId} has no active override`);
    }
    await this.rescore(workspaceId, accountId, 'override cleared');
  }

  private async rescore(workspaceId: string, accountId: string, reason: string): Promise<void> {
    try {
      await this.rescorer.rescoreAccount(workspaceId, accountId, reason);
    } catch (error) {
      this.logger.error(
        `override saved but rescoring ${workspaceId}/${accountId} (${reason}) failed: ${(error as Error).message}`,
      );
      throw new AccountsException(
        'rescore_failed',
        'the override was saved, but the score could not be recomputed now; it applies at the next scoring',
      );
    }
  }

  private async found(workspaceId: string, accountId: string, now: Date) {
    const account = await this.accounts.account(workspaceId, accountId, now);
    if (!account) throw AccountsException.accountNotFound(accountId);
    return account;
  }

  private async trends(workspaceId: string, account: AccountRecord, now: Date): Promise<HealthTrends> {
    const points = await this.accounts.pointsInEffect(workspaceId, account.accountId, trendHorizons(now));
    return healthTrends(account.score, points, now);
  }

  private now(): Date {
    return this.clock.now();
  }
}

/** The health fields of an account, in the order the API answers them. */
const HEALTH_FIELDS = [
  'score',
  'band',
  'computedScore',
  'coverage',
  'scorecardId',
  'override',
  'scoredAt',
] as const;

/** The profile fields of an account's summary, before its health. */
const SUMMARY_FIELDS = [
  'accountId',
  'name',
  'plan',
  'mrr',
  'seats',
  'renewalDate',
  'owner',
  'segment',
  'industry',
  'phase',
  'touchModel',
  'churnRisk',
] as const;

function healthOf(account: AccountRecord): HealthDto {
  return pickFields(account, HEALTH_FIELDS);
}

function sortKeyOf(account: AccountRecord, sort: AccountSort): string | null {
  if (sort === 'name') return account.nameKey;
  return sort === '-churnRisk' ? account.churnKey : account.scoreKey;
}

function summaryOf(account: AccountRecord): AccountSummaryDto {
  return { ...pickFields(account, SUMMARY_FIELDS), health: healthOf(account) };
}
