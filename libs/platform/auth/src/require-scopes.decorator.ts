import { SetMetadata, UseGuards, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import type { ApiScope } from '@tsuzuku/contracts';
import { ApiTokenGuard, REQUIRED_SCOPES } from './api-token.guard';

/** Guards a route (or controller) by API token; with no scope, any valid token will do. */
export function RequireScopes(...scopes: ApiScope[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    UseGuards(ApiTokenGuard),
    ApiBearerAuth(),
    ApiResponse({ status: 401, description: 'missing, unknown or revoked API token' }),
    ApiResponse({
      status: 429,
      description:
        'rate limit of the API token, or too many failed authentications from the address; see Retry-After and RateLimit-*',
    }),
    ApiResponse({
      status: 403,
      description: `the token lacks a scope${scopes.length ? `: ${scopes.join(', ')}` : ''}`,
    }),
  );
}
