import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How Tsuzuku signs the webhooks it sends (alerting, playbooks), so a receiver can check that
 * a body came from Tsuzuku and is fresh.
 *
 * Header `Tsuzuku-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`, where each v1 is
 * HMAC-SHA256(secret, `${t}.${raw body}`). While a secret is being rotated both the new and the
 * old secret sign, so a receiver that knows either accepts the request. Receivers should refuse
 * a timestamp more than five minutes away from their clock (replays).
 */
export const WEBHOOK_SIGNATURE_HEADER = 'tsuzuku-signature';
export const WEBHOOK_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** The header value for a body, signed by every secret given (the current one first). */
export function signWebhook(rawBody: string, secrets: readonly string[], now: Date = new Date()): string {
  if (secrets.length === 0) throw new Error('signWebhook needs at least one secret');
  const t = Math.floor(now.getTime() / 1000);
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmacHex(s, t, rawBody)}`)].join(',');
}

export type WebhookVerification =
  | { readonly ok: true; readonly timestamp: number }
  | { readonly ok: false; readonly reason: 'malformed' | 'too old' | 'too new' | 'no matching signature' };

/** What a receiver does with the header: the signature must match one secret and be fresh. */
export function verifyWebhook(
  rawBody: string,
  header: string | undefined,
  secret: string,
  now: Date = new Date(),
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): WebhookVerification {
  if (!header) return { ok: false, reason: 'malformed' };
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const age = Math.floor(now.getTime() / 1000) - timestamp;
  if (age > toleranceSeconds) return { ok: false, reason: 'too old' };
  if (age < -toleranceSeconds) return { ok: false, reason: 'too new' };
  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  const matches = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'no matching signature' };
}
