import { ArgumentsHost, Catch, HttpException, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UNSAFE_VALUE_MESSAGES, UnsafeValue, findTooDeep, findUnsafeValue } from '@tsuzuku/contracts';
import { ApiException, ApiProblem } from './api-exception';

/**
 * The input boundary every Tsuzuku HTTP service stands behind, before any DTO, validator or query
 * sees a request: bodies too large (413) or nested too deeply, and strings that Postgres or JSON
 * cannot carry (NUL, unpaired surrogates) in the body, the query, the path or a header, are
 * refused with a 400 naming the field. What Fastify refuses itself (malformed JSON, an unknown
 * content type, a body over the limit) is answered in the same ApiException shape.
 */

/** Deepest nesting of objects and arrays a request body may have. */
export const MAX_BODY_DEPTH = 32;

/** Codes of the refusals the boundary answers. */
export type InputBoundaryCode =
  'invalid_request' | 'invalid_json' | 'payload_too_large' | 'unsupported_media_type';

/** A request refused at the boundary, before validation. */
export class InputBoundaryException extends ApiException<InputBoundaryCode> {}

const ROUTE_BODY_CHECKS = 'tsuzukuBodyChecks';

/**
 * For routes that check their body's values themselves, item by item (ingestion's Segment API):
 * the boundary still bounds the body's size and depth, but leaves its strings to the route.
 */
export const ChecksOwnBodyValues = () => RouteConfig({ [ROUTE_BODY_CHECKS]: 'own' });

/** Where in the request a value came from: its problems are reported under that prefix. */
type Source = 'body' | 'query' | 'path' | 'header';

function problemOf(found: UnsafeValue, maxDepth: number): ApiProblem {
  const message =
    found.reason === 'too_deep'
      ? `is nested more than ${maxDepth} levels deep`
      : UNSAFE_VALUE_MESSAGES[found.reason];
  return { path: found.path, message };
}

/**
 * What no API accepts in a value (a NUL, an unpaired surrogate, a number that is not finite,
 * nesting deeper than `maxDepth`), as a problem with its field path; undefined when there is none.
 * The HTTP boundary and the gRPC services judge their requests with it.
 */
export function unsafeInputProblem(value: unknown, maxDepth = MAX_BODY_DEPTH): ApiProblem | undefined {
  const found = findUnsafeValue(value, maxDepth);
  return found ? problemOf(found, maxDepth) : undefined;
}

function refusal(source: Source, problem: ApiProblem): InputBoundaryException {
  const path = source === 'header' ? `header ${problem.path}` : problem.path;
  return new InputBoundaryException(
    HttpStatus.BAD_REQUEST,
    'invalid_request',
    `the request ${source} holds a value no API accepts`,
    [{ path, message: problem.message }],
    { in: source },
  );
}

/** Refuses a request whose path, query, headers or body hold a value no API accepts. */
export function checkRequestValues(request: FastifyRequest): void {
  const sources: [Source, unknown][] = [
    ['path', request.params],
    ['query', request.query],
    ['header', request.headers],
  ];
  for (const [source, value] of sources) {
    // Path, query and headers are flat (a query may repeat a key: an array): depth 3 is plenty.
    const problem = unsafeInputProblem(value, 3);
    if (problem) throw refusal(source, problem);
  }
  const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
  if (config?.[ROUTE_BODY_CHECKS] === 'own') {
    const deep = findTooDeep(request.body, MAX_BODY_DEPTH);
    if (deep !== undefined)
      throw refusal('body', problemOf({ path: deep, reason: 'too_deep' }, MAX_BODY_DEPTH));
    return;
  }
  const problem = unsafeInputProblem(request.body);
  if (problem) throw refusal('body', problem);
}

/** Installs the boundary on a service's Fastify instance, before its routes are registered. */
export function installInputBoundary(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request) => checkRequestValues(request));
}

const FASTIFY_CODES: Record<string, InputBoundaryCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
};

/** Fastify's own 4xx (and a JSON parser's SyntaxError) as an ApiException. */
function asApiException(error: unknown): ApiException | undefined {
  if (typeof error !== 'object' || error === null || error instanceof HttpException) return undefined;
  const { statusCode, code, message } = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  const known = typeof code === 'string' ? FASTIFY_CODES[code] : undefined;
  const apiCode =
    known ??
    (error instanceof SyntaxError
      ? 'invalid_json'
      : statusCode === 413
        ? 'payload_too_large'
        : statusCode === 415
          ? 'unsupported_media_type'
          : 'invalid_request');
  const text = typeof message === 'string' && message.length > 0 ? message : 'the request was refused';
  return new InputBoundaryException(statusCode, apiCode, text);
}

/**
 * Answers what Fastify refuses before a route runs (a body over the limit, an unsupported content
 * type, malformed JSON) in the ApiException shape; everything else as Nest would.
 */
@Catch()
export class InputBoundaryFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    super.catch(asApiException(exception) ?? exception, host);
  }
}
