import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { CredentialStore } from './credential-store';

/** Not ready until the credential store has read what the topic held at start-up. */
@Injectable()
export class CredentialsHealthIndicator {
  constructor(
    private readonly store: CredentialStore,
    private readonly health: HealthIndicatorService,
  ) {}

  check(key = 'credentials'): HealthIndicatorResult {
    const indicator = this.health.check(key);
    return this.store.ready ? indicator.up() : indicator.down({ message: 'still reading cs.credentials.v1' });
  }
}
