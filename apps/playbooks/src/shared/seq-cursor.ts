/** An opaque cursor over a bigserial `seq`: pages go from the newest row to the oldest. */
export function encodeSeqCursor(seq: string): string {
  return Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');
}

/** The seq a cursor stands for, or null when this API did not issue it. */
export function decodeSeqCursor(raw: string): string | null {
  if (raw.length === 0 || raw.length > 64 || !/^[A-Za-z0-9_-]+$/.test(raw)) return null;
  const match = /^seq:(\d{1,19})$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  return match ? match[1]! : null;
}
