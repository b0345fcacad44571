import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CredentialStore } from './credential-store';
import { ApiTokenGuard } from './api-token.guard';
import { CredentialsHealthIndicator } from './credentials.health';
import { WhoAmIController } from './whoami.controller';
import { ApiTokenRateLimiter, AuthFailureLimiter } from './request-limiters';

/** API-token authentication for every service, from the credentials on cs.credentials.v1. */
@Global()
@Module({
  imports: [TerminusModule],
  controllers: [WhoAmIController],
  providers: [
    CredentialStore,
    ApiTokenGuard,
    CredentialsHealthIndicator,
    AuthFailureLimiter,
    ApiTokenRateLimiter,
  ],
  exports: [
    CredentialStore,
    ApiTokenGuard,
    CredentialsHealthIndicator,
    AuthFailureLimiter,
    ApiTokenRateLimiter,
  ],
})
export class AuthModule {}
