import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext } from './api-token.guard';
import { RequireScopes } from './require-scopes.decorator';

@ApiTags('auth')
@Controller('v1/auth')
export class WhoAmIController {
  /** The workspace and scopes of the calling API token. */
  @Get('whoami')
  @RequireScopes()
  @ApiOperation({ summary: 'The workspace and scopes of the API token' })
  whoami(@Auth() auth: AuthContext): AuthContext {
    return auth;
  }
}
