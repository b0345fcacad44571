/**
 * The write key of a Segment-style request: the HTTP Basic user (password empty), or `writeKey`
 * in the body. Undefined when neither is there.
 */
export function writeKeyOf(authorization: string | undefined, body: unknown): string | undefined {
  if (authorization?.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
    if (user) return user;
  }
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const key = (body as { writeKey?: unknown }).writeKey;
    if (typeof key === 'string' && key.length > 0) return key;
  }
  return undefined;
}
