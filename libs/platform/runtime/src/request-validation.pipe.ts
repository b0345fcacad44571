import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { validationProblems } from '@tsuzuku/platform-config';
import { ApiException, ApiProblem, locatedIn } from './api-exception';

/** Where in the request the refused values were: the body, the query string or the path. */
export type RequestPart = 'body' | 'query' | 'path';

const PART_OF: Partial<Record<ArgumentMetadata['type'], RequestPart>> = {
  body: 'body',
  query: 'query',
  param: 'path',
};

const DESCRIPTION: Record<RequestPart, string> = {
  body: 'the request body is invalid',
  query: 'the query string is invalid',
  path: 'the path is invalid',
};

function invalidRequest(errors: readonly ApiProblem[], part: RequestPart = 'body'): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'invalid_request',
    message: DESCRIPTION[part],
    in: part,
    errors,
  });
}

/** Problems found by class-validator, carried to `transform` so it can say where they were. */
class ProblemsFound extends Error {
  constructor(readonly problems: readonly ApiProblem[]) {
    super('invalid request');
  }
}

const BUILT_IN_TYPES: readonly unknown[] = [Object, String, Number, Boolean, Array];

/**
 * Validates a request body as a whole: a DTO body must be a JSON object (null, an array or a
 * scalar is 400, never taken for an empty object); no body at all is validated as {} so that
 * its required fields are reported.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    const dto = typeof metatype === 'function' && !BUILT_IN_TYPES.includes(metatype);
    // The whole body (not one of its fields, as @Body('name') takes) of a DTO type.
    if (metadata.type === 'body' && metadata.data === undefined && dto && value !== undefined) {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw invalidRequest([{ path: '', message: 'the body must be a JSON object' }]);
    }
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      if (error instanceof ProblemsFound)
        throw invalidRequest(error.problems, PART_OF[metadata.type] ?? 'body');
      // A value refused while the DTO was built (a forged cursor): say where it was too.
      const part = PART_OF[metadata.type];
      if (error instanceof ApiException && error.getStatus() === 400 && part) throw locatedIn(error, part);
      throw error;
    }
  }
}

/**
 * Validates request DTOs (cold paths: admin and management APIs). A refusal is a 400 that says
 * which part of the request was wrong (`in`: body, query or path, also in the message) and lists
 * every problem with its field path; unknown fields are refused too, and so is a body that is not
 * a JSON object.
 */
export function requestValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => new ProblemsFound(validationProblems(errors)),
  });
}
