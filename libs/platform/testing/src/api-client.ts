/** An answer of a service's REST API: its status and its JSON body (null when empty). */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

/** JSON over a service's REST API with a bearer token; both are read at each call. */
export function apiClient(baseUrl: () => string, token: () => string) {
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
