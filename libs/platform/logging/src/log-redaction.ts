/** What a redacted value is replaced with. */
export const REDACTED = '[Redacted]';

/**
 * Names of fields that hold credentials, wherever they appear: in a logged object at any depth,
 * in request and response headers. Matched against the whole name, case-insensitively.
 */
const SECRET_FIELD =
  /pass(word|wd|phrase)?$|secret|token|authori[sz]ation|cookie|write[_-]?key|api[_-]?key|private[_-]?key|signature|credential|^smtp_url$|^database_url$/i;

/** Names of fields that hold a URL: kept, without what may be a credential. */
const URL_FIELD = /(url|uri|href|endpoint)$/i;

/** True when a field of this name holds a credential. */
export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/** scheme://, then user info, host and port, and the rest (path, query, fragment). */
const ABSOLUTE_URL = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"\\/?#@]*@)?([\w.:[\]%-]*)([/?#][^\s"\\]*)?/gi;
/** Words that make a `name=value` pair a credential. */
const SECRET_WORD = /token|secret|password|passwd|pwd|api[_-]?key|write[_-]?key|signature|credential/i;
/** name=value where the name says it is a credential (query strings, form bodies, messages). */
const SECRET_PAIR =
  /\b([\w.-]*(?:token|secret|password|passwd|pwd|api[_-]?key|write[_-]?key|signature|credential)[\w.-]*)=([^\s&"'\\;,]+)/gi;
/** An Authorization header value quoted in a message. */
const AUTH_SCHEME = /\b(Bearer|Basic) +[A-Za-z0-9._~+/=-]{16,}/g;
/** Tsuzuku's own credentials (write keys, API tokens, webhook signing secrets) by their prefix. */
const OWN_SECRET = /\b(tzk_wk_|tzk_at_|whsec_)[A-Za-z0-9_-]+/g;

function withoutCredentials(
  _match: string,
  scheme: string,
  userInfo: string | undefined,
  host: string,
  rest: string | undefined,
): string {
  // A path can be the credential itself (Slack-style incoming webhooks): only the origin stays.
  const tail = rest === undefined || rest === '/' ? (rest ?? '') : `/${REDACTED}`;
  return `${scheme}${userInfo ? `${REDACTED}@` : ''}${host}${tail}`;
}

/**
 * A URL as it may be logged: an absolute URL keeps its scheme, host and port only (user info,
 * path and query are redacted); a relative one keeps its path, not its query string.
 */
export function redactUrl(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url.replace(ABSOLUTE_URL, withoutCredentials);
  const query = url.search(/[?#]/);
  return query === -1 ? url : `${url.slice(0, query)}?${REDACTED}`;
}

/**
 * Free text (a message, a stack, a whole JSON log line) with what looks like a credential
 * redacted: URLs as `redactUrl` keeps them, `token=...` pairs, Authorization values and
 * Tsuzuku's own prefixed secrets. Never touches a quote or a backslash, so JSON stays JSON.
 */
export function scrubText(text: string): string {
  // Every line passes here: a regular expression runs only where its marker is.
  let out = text;
  if (out.includes('://')) out = out.replace(ABSOLUTE_URL, withoutCredentials);
  if (out.includes('=') && SECRET_WORD.test(out)) out = out.replace(SECRET_PAIR, `$1=${REDACTED}`);
  if (out.includes('Bearer ') || out.includes('Basic ')) out = out.replace(AUTH_SCHEME, `$1 ${REDACTED}`);
  if (out.includes('tzk_') || out.includes('whsec_')) out = out.replace(OWN_SECRET, `$1${REDACTED}`);
  return out;
}

/**
 * Fields of an error that help and carry no data: codes, and where a database error happened
 * (SQL text, constraint, table, column). Everything else is left out, notably TypeORM's
 * `parameters` and Postgres' `detail` ("Key (x)=(value)", "Failing row contains (...)"), `where`
 * and `internalQuery`, and any client's request or response.
 */
const ERROR_FIELDS = [
  'code',
  'errno',
  'syscall',
  'status',
  'statusCode',
  'severity',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'routine',
  'query',
] as const;

/** A plain, loggable copy of an error: type, message, stack, the fields above and its cause. */
export function loggableError(error: Error, depth = 0): Record<string, unknown> {
  const fields = error as Error & Record<string, unknown>;
  // Postgres data exceptions (class 22) quote the offending value in their message.
  const quotesValues = typeof fields['code'] === 'string' && fields['code'].startsWith('22');
  const text = (s: string) => scrubText(quotesValues ? s.replace(/"[^"\n]*"/g, `"${REDACTED}"`) : s);
  const out: Record<string, unknown> = { type: error.name, message: text(String(error.message)) };
  if (typeof error.stack === 'string') out['stack'] = text(error.stack);
  for (const field of ERROR_FIELDS) {
    const value = fields[field];
    if (typeof value === 'string') out[field] = scrubText(value);
    else if (typeof value === 'number') out[field] = value;
  }
  if (depth < 3 && error.cause instanceof Error) out['cause'] = loggableError(error.cause, depth + 1);
  if (depth < 3 && error instanceof AggregateError)
    out['errors'] = (error.errors as unknown[])
      .slice(0, 10)
      .map((e) => (e instanceof Error ? loggableError(e, depth + 1) : REDACTED));
  return out;
}

const MAX_DEPTH = 8;

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function redactValue(value: unknown, name: string, depth: number): unknown {
  if (value === null || value === undefined) return value;
  if (isSecretField(name)) return REDACTED;
  if (value instanceof Error) return loggableError(value);
  if (typeof value === 'string') return URL_FIELD.test(name) ? redactUrl(value) : value;
  if (typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, name, depth + 1));
  // Requests, responses, buffers, dates: their own serializers decide.
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactValue(item, key, depth + 1);
  return out;
}

/**
 * The fields of a log line with credentials redacted by name at any depth, URLs without their
 * credentials, and errors reduced to `loggableError`.
 */
export function redactLogFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactValue(fields, '', 0) as Record<string, unknown>;
}

/** Headers with every credential-bearing one (authorization, cookies, tokens, keys) redacted. */
export function redactHeaders(
  headers: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!headers) return headers;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = isSecretField(name) ? REDACTED : value;
  return out;
}
