import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiScope } from '@tsuzuku/contracts';
import { CredentialStore } from './credential-store';
import { ApiTokenRateLimiter, AuthFailureLimiter, TOO_MANY_FAILURES } from './request-limiters';
import { BucketDecision, rateLimitHeaders } from './token-buckets';

export const REQUIRED_SCOPES = 'tsuzuku:required-scopes';

/** Who is calling: set on the request by ApiTokenGuard. */
export interface AuthContext {
  readonly workspaceId: string;
  readonly credentialId: string;
  readonly scopes: readonly ApiScope[];
}

/** True when the granted scopes cover the required ones; admin covers read and write. */
export function hasScopes(granted: readonly ApiScope[], required: readonly ApiScope[]): boolean {
  return required.every((scope) => granted.includes(scope) || granted.includes('admin'));
}

/** A 429 in the API error shape; the caller sets the RateLimit and Retry-After headers. */
export function tooManyRequests(message: string): HttpException {
  return new HttpException({ statusCode: 429, error: 'rate_limited', message }, HttpStatus.TOO_MANY_REQUESTS);
}

/** What the guard needs of a call, over HTTP or gRPC. */
interface GuardedCall {
  /** The caller's address (HTTP: request.ip; gRPC: the peer without its port). */
  readonly address: string;
  /** The authorization header (HTTP) or metadata entry (gRPC). */
  readonly authorization: string | undefined;
  /** Sets answer headers (HTTP only; gRPC has no place for them on a unary error). */
  headers(values: Record<string, string | number>): void;
  remember(auth: AuthContext): void;
}

/** The gRPC peer's address without its port ("ipv4:10.0.0.7:51234" → "10.0.0.7"). */
export function grpcPeerAddress(peer: string): string {
  const address = peer.replace(/^ipv[46]:/, '');
  const bracketed = /^\[(.*)\](:\d+)?$/.exec(address);
  return bracketed ? bracketed[1]! : address.replace(/:\d+$/, '');
}

// A gRPC call's AuthContext, by the call object Nest hands to the handler as its third argument.
const grpcAuth = new WeakMap<object, AuthContext>();

interface GrpcCallLike {
  getPeer(): string;
}
interface GrpcMetadataLike {
  get(key: string): unknown[];
}

function guardedCall(context: ExecutionContext): GuardedCall {
  if (context.getType() === 'rpc') {
    const metadata = context.getArgByIndex<GrpcMetadataLike | undefined>(1);
    const call = context.getArgByIndex<GrpcCallLike>(2);
    const header = metadata?.get('authorization')[0];
    return {
      address: grpcPeerAddress(call.getPeer()),
      authorization: typeof header === 'string' ? header : undefined,
      headers: () => undefined,
      remember: (auth) => grpcAuth.set(call, auth),
    };
  }
  const http = context.switchToHttp();
  const request = http.getRequest<FastifyRequest & { auth?: AuthContext }>();
  const reply = http.getResponse<FastifyReply>();
  return {
    address: request.ip,
    authorization: request.headers.authorization,
    headers: (values) => void reply.headers(values),
    remember: (auth) => (request.auth = auth),
  };
}

/**
 * Accepts `Authorization: Bearer <API token>` (over gRPC: the `authorization` metadata): 401 when
 * it is missing, unknown or revoked, 403 when it lacks a scope the route requires, 503
 * (Retry-After) when it is unknown while the credential store is still loading at start-up.
 * Every answer says which. 429 (with Retry-After) when the client address failed authentication
 * too often (AuthFailureLimiter) or the token used up its request rate (ApiTokenRateLimiter,
 * RateLimit-* headers on every answer). The failure budget of an address is shared by both
 * transports.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  constructor(
    private readonly store: CredentialStore,
    private readonly reflector: Reflector,
    private readonly failures: AuthFailureLimiter,
    private readonly rates: ApiTokenRateLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const call = guardedCall(context);
    const required =
      this.reflector.getAllAndOverride<ApiScope[] | undefined>(REQUIRED_SCOPES, [
        context.getHandler(),
        context.getClass(),
      ]) ?? [];
    const limited = (decision: BucketDecision, message: string) => {
      call.headers(rateLimitHeaders(decision));
      return tooManyRequests(message);
    };
    const blocked = this.failures.refusal(call.address);
    if (blocked) throw limited(blocked, TOO_MANY_FAILURES);
    const header = call.authorization;
    const unauthorized = (message: string) => {
      this.failures.failed(call.address);
      call.headers({ 'WWW-Authenticate': 'Bearer realm="tsuzuku"' });
      return new UnauthorizedException({ statusCode: 401, error: 'unauthorized', message });
    };
    if (!header) throw unauthorized('no API token: send Authorization: Bearer <token>');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized('the Authorization header must be "Bearer <token>"');
    const credential = this.store.authenticate(match[1]!, 'api_token');
    // Unknown so far, and the store is still reading the topic at start-up: the token may be valid.
    if (!credential && !this.store.ready) {
      call.headers({ 'Retry-After': '2' });
      throw new ServiceUnavailableException({
        statusCode: 503,
        error: 'starting',
        message: 'the service is starting and still loading API tokens; retry shortly',
      });
    }
    if (!credential) throw unauthorized('unknown or revoked API token');
    const rate = this.rates.take(credential.id);
    if (!rate.allowed) throw limited(rate, 'rate limit of this API token exceeded');
    call.headers(rateLimitHeaders(rate));
    if (!hasScopes(credential.scopes, required)) {
      const missing = required.filter((s) => !hasScopes(credential.scopes, [s]));
      throw new ForbiddenException({
        statusCode: 403,
        error: 'forbidden',
        message: `the API token lacks the scope ${missing.join(', ')}`,
      });
    }
    call.remember({
      workspaceId: credential.workspaceId,
      credentialId: credential.id,
      scopes: credential.scopes,
    });
    return true;
  }
}

/** The caller's workspace and scopes, in a handler guarded by ApiTokenGuard. */
export const Auth = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext => {
  const auth =
    context.getType() === 'rpc'
      ? grpcAuth.get(context.getArgByIndex<object>(2))
      : context.switchToHttp().getRequest<{ auth?: AuthContext }>().auth;
  if (!auth) throw new Error('@Auth() used on a route without RequireScopes');
  return auth;
});
