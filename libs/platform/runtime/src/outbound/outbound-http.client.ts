import { lookup as dnsLookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP, isIPv6, type Socket } from 'node:net';
import { OutboundPolicy, hostOf } from './outbound-policy';

/** Resolves a host name to every address it has (dns.lookup with all: true by default). */
export type OutboundResolver = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface OutboundClientOptions {
  /** Addresses or CIDR ranges that may be reached although special (TSUZUKU_OUTBOUND_ALLOW). */
  readonly allow?: readonly string[];
  /** Injected in tests; dns.lookup otherwise. */
  readonly resolve?: OutboundResolver;
  /** Time to open the TCP connection; at most the request's own timeout. Default 5 s. */
  readonly connectTimeoutMs?: number;
  /** Bytes of an answer read at most; the rest is never read. Default 64 KiB. */
  readonly maxResponseBytes?: number;
}

export interface OutboundRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Time allowed for the whole exchange, connection to last byte read. */
  readonly timeoutMs: number;
}

export interface OutboundResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** At most maxResponseBytes of the answer. */
  readonly body: Buffer;
  /** The answer was longer than maxResponseBytes and was cut. */
  readonly truncated: boolean;
}

/** Why an outbound request failed. `status` is set when the receiver answered (outside 2xx). */
export type OutboundFailure = 'refused' | 'timeout' | 'network' | 'status';

/**
 * A failed outbound request, described in our own words: its message never carries anything
 * the receiver sent (no body, no error text), so it can be stored and shown.
 */
export class OutboundRequestError extends Error {
  constructor(
    readonly failure: OutboundFailure,
    message: string,
    /** The receiver's status code, when it answered. */
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'OutboundRequestError';
  }
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/**
 * The one way Tsuzuku calls out over HTTP (webhooks, Slack-compatible hooks, anything later).
 * http and https only; the URL is checked against the outbound policy, and a host name is
 * resolved by the connection's own lookup, which checks every address and refuses when any
 * is denied, so the address connected to is the address checked (no DNS rebinding between a
 * check and the connect). Redirects are never followed; connect and total timeouts; at most
 * maxResponseBytes of an answer are read.
 */
export class OutboundHttpClient {
  readonly policy: OutboundPolicy;
  private readonly resolve: OutboundResolver;
  private readonly connectTimeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(options: OutboundClientOptions = {}) {
    this.policy = new OutboundPolicy(options.allow ?? []);
    this.resolve = options.resolve ?? ((hostname) => dnsLookup(hostname, { all: true, verbatim: true }));
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
  }

  /** Why this URL may not be called (checked without DNS), or null: for validating it when stored. */
  urlProblem(url: string): string | null {
    return this.policy.urlProblem(url);
  }

  /** POSTs a body; resolves on a 2xx answer, throws OutboundRequestError otherwise. */
  async post(
    url: string,
    body: string,
    options: { readonly headers?: Readonly<Record<string, string>>; readonly timeoutMs: number },
  ): Promise<OutboundResponse> {
    const response = await this.request(url, { method: 'POST', body, ...options });
    if (response.status < 200 || response.status > 299)
      throw new OutboundRequestError(
        'status',
        response.status >= 300 && response.status < 400
          ? `receiver answered ${response.status} (redirects are not followed)`
          : `receiver answered ${response.status}`,
        response.status,
      );
    return response;
  }

  /** One request; any answer resolves (3xx included: redirects are not followed). */
  request(target: string, init: OutboundRequest): Promise<OutboundResponse> {
    const problem = this.policy.urlProblem(target);
    if (problem) return Promise.reject(new OutboundRequestError('refused', problem));
    const url = new URL(target);
    const host = hostOf(url);
    const body = init.body ?? '';
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<OutboundResponse>((resolve, reject) => {
      let settled = false;
      let connectTimer: NodeJS.Timeout | undefined;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(totalTimer);
        clearTimeout(connectTimer);
        outcome();
        request.destroy();
      };
      const fail = (error: unknown) => finish(() => reject(describe(error, host)));
      const request = transport.request({
        protocol: url.protocol,
        // Brackets off an IPv6 literal; a trailing dot is kept for DNS (it means "absolute").
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: init.method ?? 'GET',
        headers: { ...init.headers, 'content-length': String(Buffer.byteLength(body)) },
        auth: url.username
          ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
          : undefined,
        // A fresh connection each time, opened through the checking lookup (a literal address
        // never reaches a lookup: urlProblem judged it above).
        agent: false,
        lookup: this.lookup,
      });
      const totalTimer = setTimeout(
        () => fail(new OutboundRequestError('timeout', `timed out after ${seconds(init.timeoutMs)}`)),
        init.timeoutMs,
      );
      request.on('socket', (socket: Socket) => {
        if (!socket.connecting) return;
        const connectMs = Math.min(this.connectTimeoutMs, init.timeoutMs);
        connectTimer = setTimeout(
          () => fail(new OutboundRequestError('timeout', `could not connect within ${seconds(connectMs)}`)),
          connectMs,
        );
        socket.once('connect', () => clearTimeout(connectTimer));
      });
      request.on('error', fail);
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (truncated: boolean) =>
          finish(() =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks),
              truncated,
            }),
          );
        response.on('data', (chunk: Buffer) => {
          const room = this.maxResponseBytes - size;
          chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
          size += Math.min(chunk.length, room);
          if (chunk.length > room) done(true);
        });
        response.on('end', () => done(false));
        response.on('error', fail);
      });
      request.end(body);
    });
  }

  /**
   * Why a host (a name or a literal address) may not be connected to by another protocol (SMTP),
   * judged without DNS as urlProblem judges an http URL's host; null when it may.
   */
  hostProblem(host: string): string | null {
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    return this.policy.urlProblem(`http://${isIPv6(bare) ? `[${bare}]` : bare}/`);
  }

  /**
   * The address another protocol (SMTP) is to connect to for `host`: a literal address is checked,
   * a name resolved and every one of its addresses checked, as an http request's connection is.
   * Throws an OutboundRequestError ('refused' or 'network') in our words.
   */
  async checkedAddress(host: string): Promise<string> {
    const problem = this.hostProblem(host);
    if (problem) throw new OutboundRequestError('refused', `host ${host}: ${problem}`);
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare)) return bare;
    return new Promise<string>((resolve, reject) =>
      this.lookup(bare, {}, (error, address) => (error ? reject(error) : resolve(address as string))),
    );
  }

  /** net's lookup hook: resolves, checks every address, and hands over only a clean answer. */
  private readonly lookup = (
    hostname: string,
    options: LookupOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    this.resolve(hostname).then(
      (addresses) => {
        if (addresses.length === 0)
          return callback(new OutboundRequestError('network', `host ${hostname} did not resolve`), '');
        for (const { address } of addresses) {
          const problem = this.policy.addressProblem(address);
          if (problem)
            return callback(new OutboundRequestError('refused', `host ${hostname}: ${problem}`), '');
        }
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : [...addresses];
        if (usable.length === 0)
          return callback(
            new OutboundRequestError('network', `host ${hostname} has no IPv${wanted} address`),
            '',
          );
        if (options.all) return callback(null, usable);
        callback(null, usable[0]!.address, usable[0]!.family);
      },
      (error: unknown) => callback(error as Error, ''),
    );
  };
}

/** A failure in our words: a Node error code at most, never text that came from the receiver. */
function describe(error: unknown, host: string): OutboundRequestError {
  if (error instanceof OutboundRequestError) return error;
  const e = error as NodeJS.ErrnoException & { errors?: NodeJS.ErrnoException[] };
  // Happy eyeballs reports every address it tried in an AggregateError.
  const code = e.code ?? e.errors?.[0]?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return new OutboundRequestError('network', 'connection refused');
    case 'ECONNRESET':
    case 'EPIPE':
      return new OutboundRequestError('network', 'connection reset');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return new OutboundRequestError('network', `host ${host} did not resolve`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new OutboundRequestError('network', `host ${host} is unreachable`);
    case 'ETIMEDOUT':
      return new OutboundRequestError('timeout', 'connection timed out');
  }
  if (
    code &&
    /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/.test(code)
  )
    return new OutboundRequestError('network', `TLS failed (${code})`);
  if (code?.startsWith('HPE_')) return new OutboundRequestError('network', `invalid HTTP answer (${code})`);
  return new OutboundRequestError('network', code ? `request failed (${code})` : 'request failed');
}
