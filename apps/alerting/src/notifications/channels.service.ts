import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { maskUrl, unmaskUrl } from '@tsuzuku/contracts';
import { Clock, OutboundHttpClient, Page, pageOf, readAheadPage } from '@tsuzuku/platform-runtime';
import { AlertsException } from '../alerts/alerts.exception';
import { isUuid } from '../shared/is-uuid';
import { CHANNELS_CURSOR, DELIVERIES_CURSOR, PageCursor } from '../shared/page-cursor';
import { ChannelFilters, NO_FILTERS } from './domain/channel-routing';
import {
  ChannelDto,
  ChannelInputDto,
  CreatedChannelDto,
  DeliveryPageDto,
  ListDeliveriesQuery,
} from './dto/channel.dto';
import { RuleRepository } from '../rules/rule.repository';
import { ChannelFields, ChannelRepository, ChannelRow } from './channel.repository';
import { DeliveryRepository } from './delivery.repository';

/** A fresh webhook signing secret. */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`;
}

/** Notification channels of a workspace; secrets are written, never read back. */
@Injectable()
export class ChannelsService {
  constructor(
    private readonly channels: ChannelRepository,
    private readonly deliveryRows: DeliveryRepository,
    private readonly rules: RuleRepository,
    private readonly outbound: OutboundHttpClient,
    private readonly clock: Clock,
  ) {}

  /** A page of the workspace's channels, oldest first (a workspace has few: read whole, paged here). */
  async list(
    workspaceId: string,
    page: { readonly limit?: number; readonly cursor?: PageCursor } = {},
  ): Promise<Page<ChannelDto>> {
    const channels = (await this.channels.list(workspaceId)).map((row) => this.viewOf(row));
    return pageOf(channels, CHANNELS_CURSOR, (c) => ({ at: c.createdAt, id: c.id }), page);
  }

  async get(workspaceId: string, id: string): Promise<ChannelDto> {
    return this.viewOf(await this.row(workspaceId, id));
  }

  async create(workspaceId: string, input: ChannelInputDto): Promise<CreatedChannelDto> {
    this.checkUrl(input.kind, input.url);
    await this.checkRuleIds(workspaceId, input);
    const secret = input.kind === 'webhook' ? (input.secret ?? newSecret()) : null;
    const row = await this.channels.insert(workspaceId, randomUUID(), fieldsOf(input, input.url, secret));
    return { ...this.viewOf(row), ...(secret ? { secret } : {}) };
  }

  /** Replaces a channel; a webhook keeps its secret unless a new one is given. */
  async replace(workspaceId: string, id: string, input: ChannelInputDto): Promise<ChannelDto> {
    const current = await this.row(workspaceId, id);
    // A URL sent back masked, as it was read, keeps the stored one.
    const url =
      input.kind === current.kind ? unmaskUrl(input.url, current.url, maskingOf(current.kind)) : input.url;
    this.checkUrl(input.kind, url);
    await this.checkRuleIds(workspaceId, input);
    const secret = input.kind === 'webhook' ? (input.secret ?? current.secret ?? newSecret()) : null;
    const row = await this.channels.replace(workspaceId, id, fieldsOf(input, url, secret));
    return this.viewOf(row ?? channelNotFound(id));
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    await this.row(workspaceId, id);
    await this.channels.delete(workspaceId, id);
  }

  /**
   * A new signing secret for a webhook channel; the previous one keeps signing beside it for
   * `previousValidForMinutes`, so receivers can switch without refusing a request.
   */
  async rotateSecret(
    workspaceId: string,
    id: string,
    previousValidForMinutes: number,
  ): Promise<CreatedChannelDto> {
    const current = await this.row(workspaceId, id);
    if (current.kind !== 'webhook')
      throw new AlertsException('invalid_channel', 'only webhook channels have a secret', [
        { path: 'kind', message: `is ${current.kind}, not webhook` },
      ]);
    const secret = newSecret();
    const row = await this.channels.rotateSecret(workspaceId, id, secret, previousValidForMinutes);
    return { ...this.viewOf(row ?? channelNotFound(id)), secret };
  }

  async deliveries(workspaceId: string, q: ListDeliveriesQuery): Promise<DeliveryPageDto> {
    const iso = (v: unknown) => (v ? (v as Date).toISOString() : null);
    const read = async (count: number) =>
      (
        await this.deliveryRows.page(workspaceId, {
          status: q.status,
          alertId: q.alertId,
          channelId: q.channelId,
          before: q.cursor ?? null,
          limit: count,
        })
      ).map((r) => ({
        ...r,
        nextAttemptAt: iso(r.nextAttemptAt)!,
        createdAt: iso(r.createdAt)!,
        deliveredAt: iso(r.deliveredAt),
      }));
    return readAheadPage(q.limit ?? 50, read, DELIVERIES_CURSOR, (d) => ({ at: d.createdAt, id: d.id }));
  }

  /** The outbound policy, at creation as again at every send: no internal or metadata address. */
  private checkUrl(kind: ChannelInputDto['kind'], url: unknown): void {
    if (kind === 'email' || typeof url !== 'string') return;
    const problem = this.outbound.urlProblem(url);
    if (problem)
      throw new AlertsException('invalid_channel', 'the channel URL may not be called', [
        { path: 'url', message: problem },
      ]);
  }

  /** A channel may only name rules of its own workspace. */
  private async checkRuleIds(workspaceId: string, input: ChannelInputDto): Promise<void> {
    const ids = input.filters?.ruleIds ?? [];
    if (ids.length === 0) return;
    const known = new Set(
      ((await this.rules.ofWorkspaces([workspaceId])).get(workspaceId) ?? []).map((r) => r.id),
    );
    const problems = ids.flatMap((id, i) =>
      known.has(id)
        ? []
        : [{ path: `filters.ruleIds.${i}`, message: `no alert rule ${id} in this workspace` }],
    );
    if (problems.length > 0)
      throw new AlertsException('invalid_channel', 'the channel names unknown alert rules', problems);
  }

  private async row(workspaceId: string, id: string): Promise<ChannelRow> {
    return (isUuid(id) ? await this.channels.find(workspaceId, id) : null) ?? channelNotFound(id);
  }

  private viewOf(row: ChannelRow): ChannelDto {
    const rotating =
      row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > this.clock.now().getTime();
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      url: row.url === null ? null : maskUrl(row.url, maskingOf(row.kind)),
      recipients: row.recipients,
      filters: { ...NO_FILTERS, ...row.filters } as ChannelDto['filters'],
      enabled: row.enabled,
      secretHint: row.secret ? `…${row.secret.slice(-4)}` : null,
      previousSecretExpiresAt: rotating ? row.previous_secret_expires_at!.toISOString() : null,
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }
}

function channelNotFound(id: string): never {
  throw new AlertsException('channel_not_found', `no notification channel ${id} in this workspace`);
}

function fieldsOf(input: ChannelInputDto, url: unknown, secret: string | null): ChannelFields {
  return {
    name: input.name,
    kind: input.kind,
    url: input.kind === 'email' ? null : ((url as string | null | undefined) ?? null),
    recipients: input.kind === 'email' ? (input.recipients ?? null) : [],
    secret,
    filters: filtersOf(input),
    enabled: input.enabled ?? true,
  };
}

function filtersOf(input: ChannelInputDto): ChannelFilters {
  const f = input.filters;
  if (!f) return NO_FILTERS;
  return {
    minSeverity: f.minSeverity ?? null,
    severities: f.severities ?? [],
    ruleTypes: f.ruleTypes ?? [],
    ruleIds: [...new Set(f.ruleIds ?? [])],
    segments: f.segments ?? [],
    owners: f.owners ?? [],
  };
}

/** Slack incoming-webhook URLs carry their credential in the path: it is hidden as well. */
function maskingOf(kind: ChannelRow['kind']): { hidePath: boolean } {
  return { hidePath: kind === 'slack' };
}
