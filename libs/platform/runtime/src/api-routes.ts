import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Put,
  Type,
  UsePipes,
  applyDecorators,
} from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequireScopes } from '@tsuzuku/platform-auth';
import { requestValidationPipe } from './request-validation.pipe';
import { ApiReplaceOperation } from './write-semantics';

/** A controller of the API: its OpenAPI tag, its path, and request validation of its bodies and queries. */
export function ApiController(tag: string, path: string): ClassDecorator {
  return applyDecorators(ApiTags(tag), Controller(path), UsePipes(requestValidationPipe()));
}

/** A GET that needs the read scope: its OpenAPI summary, 200 answer and path (none: the controller's). */
export function ApiRead(summary: string, type: Type<unknown>, path?: string): MethodDecorator {
  return applyDecorators(
    Get(path),
    RequireScopes('read'),
    ApiOperation({ summary }),
    ApiResponse({ status: 200, type }),
  );
}

/**
 * A PUT that needs the write scope and replaces a resource: its OpenAPI summary (with the replace
 * semantics after `notes`), 200 answer, 400 with every problem's field path, and path.
 */
export function ApiReplace(
  summary: string,
  type: Type<unknown>,
  path?: string,
  notes?: string,
): MethodDecorator {
  // Applied in this order, the responses are listed as when written 200 above 400 on the method.
  return applyDecorators(
    Put(path),
    RequireScopes('write'),
    ApiReplaceOperation(summary, notes),
    ApiResponse({ status: 400, description: 'every problem with its field path' }),
    ApiResponse({ status: 200, type }),
  );
}

/** A POST that needs the write scope and creates a resource: its OpenAPI summary, 201 answer, 400 with every problem's field path, and path. */
export function ApiCreate(summary: string, type: Type<unknown>, path?: string): MethodDecorator {
  return applyDecorators(
    Post(path),
    RequireScopes('write'),
    ApiOperation({ summary }),
    ApiResponse({ status: 400, description: 'every problem with its field path' }),
    ApiResponse({ status: 201, type }),
  );
}

/** A POST that needs the write scope and acts on a resource, answering 200: its OpenAPI summary, answer and path. */
export function ApiAction(summary: string, type: Type<unknown>, path: string): MethodDecorator {
  return applyDecorators(
    Post(path),
    HttpCode(200),
    RequireScopes('write'),
    ApiOperation({ summary }),
    ApiResponse({ status: 200, type }),
  );
}

/** A DELETE that needs the write scope and answers 204 with no body: its OpenAPI summary and path. */
export function ApiDelete(summary: string, path: string): MethodDecorator {
  return applyDecorators(
    Delete(path),
    HttpCode(204),
    RequireScopes('write'),
    ApiOperation({ summary }),
    ApiResponse({ status: 204 }),
  );
}
