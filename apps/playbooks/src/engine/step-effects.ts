import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { WEBHOOK_SIGNATURE_HEADER, signWebhook } from '@tsuzuku/contracts';
import { OutboundHttpClient } from '@tsuzuku/platform-runtime';
import { PlaybooksConfig } from '../config/playbooks.config';

/** The header every outgoing call of a step carries: `runId:stepId`, the same on every retry. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** What a step did outside: succeeded (with a detail) or skipped (why); a throw means retry. */
export type EffectResult = { readonly outcome: 'succeeded' | 'skipped'; readonly detail: string | null };

/** The outside world of the engine: SMTP and HTTP. */
@Injectable()
export class StepEffects implements OnModuleDestroy {
  private transport?: Transporter;

  constructor(
    private readonly config: PlaybooksConfig,
    private readonly outbound: OutboundHttpClient,
  ) {}

  async email(
    to: string | null,
    subject: string,
    text: string,
    idempotencyKey: string,
  ): Promise<EffectResult> {
    if (!this.config.SMTP_URL) return { outcome: 'skipped', detail: 'SMTP_URL is not set' };
    if (!to) return { outcome: 'skipped', detail: 'the account has no contact email' };
    this.transport ??= createTransport(this.config.SMTP_URL);
    const domain = this.config.EMAIL_FROM.replace(/^.*@/, '').replace(/>.*$/, '') || 'tsuzuku.local';
    const sent = (await this.transport.sendMail({
      from: this.config.EMAIL_FROM,
      to,
      subject,
      text,
      // A stable Message-ID lets a mail system drop a resend of the same step.
      messageId: `<${idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`,
      headers: { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey },
    })) as { accepted?: unknown[] };
    return { outcome: 'succeeded', detail: `sent to ${to} (${sent.accepted?.length ?? 0} accepted)` };
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
  }
}
