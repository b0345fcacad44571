import { BeforeApplicationShutdown } from '@nestjs/common';
import { JobRunner } from './job-runner';

/**
 * The service's JobRunner as a Nest provider (DatabaseModule.forService): loops schedule their
 * jobs on it, and it stops them all before the database pool and the Kafka clients close.
 */
export class BackgroundJobs extends JobRunner implements BeforeApplicationShutdown {
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
