import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { WEBHOOK_SIGNATURE_HEADER, signWebhook } from '@tsuzuku/contracts';
import { OutboundHttpClient } from '@tsuzuku/platform-runtime';
import { PlaybooksConfig } from '../config/playbooks.config';
import { EmailSettingsRepository, EmailSettingsRow } from '../email/email-settings.repository';

/** The header every outgoing call of a step carries: `runId:stepId`, the same on every retry. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * What a step did outside: succeeded (with a detail), skipped (why), or failed for good (why: no
 * retry can help, e.g. no SMTP server, or one that refused the message); a throw means retry.
 */
export type EffectResult = {
  readonly outcome: 'succeeded' | 'skipped' | 'failed';
  readonly detail: string | null;
};

/** A workspace's transport, made from its settings as they were at `updatedAt`. */
interface WorkspaceTransport {
  readonly updatedAt: string;
  readonly transport: Transporter;
}

/** The outside world of the engine: SMTP and HTTP. */
@Injectable()
export class StepEffects implements OnModuleDestroy {
  /** The service-wide transport of SMTP_URL, for workspaces without their own server. */
  private transport?: Transporter;
  private readonly workspaceTransports = new Map<string, WorkspaceTransport>();

  constructor(
    private readonly config: PlaybooksConfig,
    private readonly outbound: OutboundHttpClient,
    private readonly emailSettings: EmailSettingsRepository,
  ) {}

  /**
   * Sends through the workspace's SMTP server (PUT /v1/email-settings), else the service's
   * SMTP_URL. With neither, or when the server refuses the message for good (a 5xx reply), the
   * step failed: no retry can send it. A connection that fails is thrown, to be retried.
   */
  async email(
    workspaceId: string,
    to: string | null,
    subject: string,
    text: string,
    idempotencyKey: string,
  ): Promise<EffectResult> {
    const settings = await this.emailSettings.get(workspaceId);
    if (!settings && !this.config.SMTP_URL)
      return {
        outcome: 'failed',
        detail: 'could not send: no SMTP server is set for the workspace (PUT /v1/email-settings)',
      };
    if (!to) return { outcome: 'skipped', detail: 'the account has no contact email' };
    const transport = settings
      ? this.transportOf(workspaceId, settings)
      : (this.transport ??= createTransport(this.config.SMTP_URL));
    const from = settings?.from ?? this.config.EMAIL_FROM;
    const domain = from.replace(/^.*@/, '').replace(/>.*$/, '') || 'tsuzuku.local';
    let sent: { accepted?: unknown[] };
    try {
      sent = (await transport.sendMail({
        from,
        to,
        subject,
        text,
        // A stable Message-ID lets a mail system drop a resend of the same step.
        messageId: `<${idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`,
        headers: { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
      })) as { accepted?: unknown[] };
    } catch (error) {
      const reply = (error as { responseCode?: unknown }).responseCode;
      if (typeof reply === 'number' && reply >= 500 && reply < 600)
        return { outcome: 'failed', detail: `could not send: the SMTP server refused it (${reply})` };
      throw error;
    }
    return { outcome: 'succeeded', detail: `sent to ${to} (${sent.accepted?.length ?? 0} accepted)` };
  }

  /** The workspace's transport, made again when its settings changed since. */
  private transportOf(workspaceId: string, settings: EmailSettingsRow): Transporter {
    const cached = this.workspaceTransports.get(workspaceId);
    if (cached?.updatedAt === settings.updatedAt) return cached.transport;
    cached?.transport.close();
    const transport = createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      ...(settings.username !== null
        ? { auth: { user: settings.username, pass: settings.password ?? '' } }
        : {}),
      // Never log the conversation: AUTH would be in it.
      logger: false,
      debug: false,
    });
    this.workspaceTransports.set(workspaceId, { updatedAt: settings.updatedAt, transport });
    return transport;
  }

  /** POSTs a JSON body signed like alerting's webhooks. */
  async webhook(
    url: string,
    secrets: readonly string[],
    body: unknown,
    idempotencyKey: string,
  ): Promise<EffectResult> {
    const raw = JSON.stringify(body);
    return this.post(url, raw, idempotencyKey, { [WEBHOOK_SIGNATURE_HEADER]: signWebhook(raw, secrets) });
  }

  /** POSTs `{ text }` to a Slack-compatible incoming webhook. */
  async notify(url: string, text: string, idempotencyKey: string): Promise<EffectResult> {
    return this.post(url, JSON.stringify({ text }), idempotencyKey, {});
  }

  /** Through the guarded client; a failure throws in our words (the run shows it as lastError). */
  private async post(
    url: string,
    raw: string,
    idempotencyKey: string,
    headers: Record<string, string>,
  ): Promise<EffectResult> {
    const response = await this.outbound.post(url, raw, {
      headers: { 'content-type': 'application/json', [IDEMPOTENCY_KEY_HEADER]: idempotencyKey, ...headers },
      timeoutMs: this.config.PLAYBOOK_HTTP_TIMEOUT_MS,
    });
    return { outcome: 'succeeded', detail: `HTTP ${response.status}` };
  }

  onModuleDestroy(): void {
    this.transport?.close();
    for (const { transport } of this.workspaceTransports.values()) transport.close();
    this.workspaceTransports.clear();
  }
}
