import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Transporter, createTransport } from 'nodemailer';
import { WEBHOOK_SIGNATURE_HEADER, signWebhook } from '@tsuzuku/contracts';
import { OutboundHttpClient } from '@tsuzuku/platform-runtime';
import { AlertingConfig } from '../config/alerting.config';
import {
  AlertNotification,
  currentNotification,
  emailMessage,
  slackMessage,
} from './domain/notification-message';

/** A failed send described in our own words (as OutboundRequestError is for HTTP). */
export class DeliveryError extends Error {}

/** A channel as the worker needs it to send. */
export interface ChannelTarget {
  readonly id: string;
  readonly kind: 'webhook' | 'slack' | 'email';
  readonly url: string | null;
  readonly recipients: readonly string[];
  /** Current first; the previous one while a rotation runs. */
  readonly secrets: readonly string[];
}

/**
 * Sends one notification over one channel; throws with what went wrong, in our words (an
 * OutboundRequestError for webhook and Slack channels: never the receiver's answer).
 */
@Injectable()
export class NotificationSenders implements OnApplicationShutdown {
  private mailer?: Transporter;

  constructor(
    private readonly config: AlertingConfig,
    private readonly outbound: OutboundHttpClient,
  ) {}

  async send(channel: ChannelTarget, payload: AlertNotification, deliveryId: string): Promise<void> {
    const notification = currentNotification(payload);
    if (channel.kind === 'email') return this.email(channel, notification);
    const body = JSON.stringify(channel.kind === 'slack' ? slackMessage(notification) : notification);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'tsuzuku-alerting/1',
      'tsuzuku-delivery-id': deliveryId,
    };
    if (channel.kind === 'webhook') {
      headers['tsuzuku-event-type'] = notification.type;
      headers[WEBHOOK_SIGNATURE_HEADER] = signWebhook(body, channel.secrets);
    }
    await this.outbound.post(channel.url!, body, { headers, timeoutMs: this.config.DELIVERY_TIMEOUT_MS });
  }

  private async email(channel: ChannelTarget, notification: AlertNotification): Promise<void> {
    if (!this.config.SMTP_URL) throw new DeliveryError('SMTP_URL is not configured');
    this.mailer ??= createTransport(this.config.SMTP_URL, {
      connectionTimeout: this.config.DELIVERY_TIMEOUT_MS,
      greetingTimeout: this.config.DELIVERY_TIMEOUT_MS,
      socketTimeout: this.config.DELIVERY_TIMEOUT_MS,
    });
    const { subject, text } = emailMessage(notification);
    await this.mailer.sendMail({
      from: this.config.ALERT_EMAIL_FROM,
      to: [...channel.recipients],
      subject,
      text,
    });
  }

  onApplicationShutdown(): void {
    this.mailer?.close();
  }
}
