import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CredentialStore } from './credential-store';
import { ApiTokenGuard } from './api-token.guard';
import { CredentialsHealthIndicator } from './credentials.health';
import { WhoAmIController } from './whoami.controller';

/** API-token authentication for every service, from the credentials on cs.credentials.v1. */
@Global()
@Module({
  imports: [TerminusModule],
  controllers: [WhoAmIController],
  providers: [CredentialStore, ApiTokenGuard, CredentialsHealthIndicator],
  exports: [CredentialStore, ApiTokenGuard, CredentialsHealthIndicator],
})
export class AuthModule {}
