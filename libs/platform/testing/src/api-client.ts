/** An answer of a service's REST API: its status and its JSON body (null when empty). */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

/** A JSON call to a service's REST API: method, path and, for a write, the body. */
export type ApiClient = <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;

/** JSON over a service's REST API with a bearer token; both are read at each call. */
export function apiClient(baseUrl: () => string, token: () => string): ApiClient {
  return async <T = unknown>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

/** The HTTP Basic authorization of a write key, as a Segment SDK sends it (the key as user, no password). */
export function writeKeyAuthorization(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/** Posts a JSON body to a path of ingestion's Segment API with a write key; the text it answers. */
export async function postSegment(
  ingestionUrl: string,
  writeKey: string,
  path: string,
  body: unknown,
): Promise<string> {
  const response = await fetch(`${ingestionUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: writeKeyAuthorization(writeKey) },
    body: JSON.stringify(body),
  });
  return response.text();
}
