import { createHash, randomUUID } from 'node:crypto';

/**
 * The envelope id of an event: derived from workspace and messageId, so a repeat of the same
 * call has the same id everywhere downstream, even past the deduplication window.
 */
export function eventId(workspaceId: string, messageId: string): string {
  const hex = createHash('sha256').update(`${workspaceId}\u0000${messageId}`).digest('hex');
  // Formatted as a UUID (version nibble 5, RFC 4122 variant) for tools that expect one.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A messageId for a call that came without one. */
export function newMessageId(): string {
  return `tsz-${randomUUID()}`;
}
