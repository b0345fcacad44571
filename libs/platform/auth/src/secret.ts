import { createHash, randomBytes } from 'node:crypto';
import type { CredentialRecord } from '@tsuzuku/contracts';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const PREFIX: Record<CredentialRecord['kind'], string> = { write_key: 'tzk_wk_', api_token: 'tzk_at_' };

/** A new secret: its kind's prefix and 32 random base62 characters (about 190 bits). */
export function generateSecret(kind: CredentialRecord['kind']): string {
  // 256 is not a multiple of 62: drawing bytes below 248 keeps every character equally likely.
  const chars: string[] = [];
  while (chars.length < 32) {
    for (const byte of randomBytes(48)) {
      if (byte < 248 && chars.length < 32) chars.push(BASE62[byte % 62]!);
    }
  }
  return `${PREFIX[kind]}${chars.join('')}`;
}

/**
 * The stored form of a secret. Plain SHA-256 is enough for secrets of this entropy (no
 * dictionary to attack), and makes the hash itself the lookup key: no comparison of secrets
 * happens, so there is no timing to leak.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
