import { HttpException, HttpStatus } from '@nestjs/common';

/** A field at fault in a refused request, as every Tsuzuku API reports it. */
export interface ApiProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * A refused API request in the shape every Tsuzuku API answers with: `statusCode`, a stable
 * `error` code, a `message`, and `errors` (each with its field path) when fields are at fault.
 * Features subclass it with their own codes.
 */
export class ApiException<TCode extends string = string> extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: TCode,
    message: string,
    readonly problems: readonly ApiProblem[] = [],
    /** Further fields of the body, e.g. a batch's per-item report. */
    extra: Record<string, unknown> = {},
  ) {
    super(
      {
        statusCode: status,
        error: code,
        message,
        ...(problems.length > 0 ? { errors: problems } : {}),
        ...extra,
      },
      status,
    );
  }
}

/** The constructor of a feature's exception whose codes each answer with one HTTP status. */
export type CodedApiExceptionClass<TCode extends string> = new (
  code: TCode,
  message: string,
  problems?: readonly ApiProblem[],
  extra?: Record<string, unknown>,
) => ApiException<TCode>;

/**
 * The base of a feature's exception (`class AlertsException extends CodedApiException(...)`):
 * each of its codes answers with the status `statusOf` gives it, so a throw names only the code,
 * what was wrong and, for a 400, the fields at fault.
 */
export function CodedApiException<TCode extends string>(
  statusOf: Readonly<Record<TCode, HttpStatus>>,
): CodedApiExceptionClass<TCode> {
  return class extends ApiException<TCode> {
    constructor(
      code: TCode,
      message: string,
      problems: readonly ApiProblem[] = [],
      extra: Record<string, unknown> = {},
    ) {
      super(statusOf[code], code, message, problems, extra);
    }
  };
}

/** Where in a request a refused value was: the body, the query string, the path or a header. */
export type RequestLocation = 'body' | 'query' | 'path' | 'header';

/**
 * The same refusal, saying which part of the request was wrong (`in`), for an ApiException
 * thrown where the part is not known (a cursor decoded while a query DTO is built).
 */
export function locatedIn(error: ApiException, part: RequestLocation): ApiException {
  const body = error.getResponse() as Record<string, unknown>;
  if (typeof body === 'object' && body !== null && 'in' in body) return error;
  const { statusCode: _status, error: _code, message: _message, errors: _errors, ...extra } = body;
  return new ApiException(error.getStatus(), error.code, error.message, error.problems, {
    ...extra,
    in: part,
  });
}
