/** What stands for a hidden part of a secret or a URL in every API answer. */
export const MASKED = '••••';

export interface UrlMasking {
  /** The path is a credential too (Slack-compatible incoming webhooks): hide it. */
  readonly hidePath?: boolean;
}

/**
 * An outbound URL as API answers and dry runs show it: scheme, host and port in full; user
 * info, every query value and the fragment hidden (query names kept); with `hidePath`, the
 * path hidden as well. `https://u:p@h.example/x?token=abc&v=2` →
 * `https://••••@h.example/x?token=••••&v=••••`.
 */
export function maskUrl(value: string, { hidePath = false }: UrlMasking = {}): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return MASKED;
  }
  const userInfo = url.username || url.password ? `${MASKED}@` : '';
  const path = hidePath && url.pathname !== '/' ? `/${MASKED}` : url.pathname;
  const names = [...new Set(url.searchParams.keys())];
  const query = names.map((name) => `${encodeURIComponent(name)}=${MASKED}`).join('&');
  const fragment = url.hash ? `#${MASKED}` : '';
  return `${url.protocol}//${userInfo}${url.host}${path}${query ? `?${query}` : ''}${fragment}`;
}

/**
 * The stored URL when a client sends back the masked form it read (a definition read, edited and
 * sent back keeps its URL); the sent value otherwise.
 */
export function unmaskUrl(sent: unknown, current: string | null, masking: UrlMasking = {}): unknown {
  return typeof sent === 'string' &&
    current !== null &&
    sent !== current &&
    sent === maskUrl(current, masking)
    ? current
    : sent;
}
