import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Topic } from '@tsuzuku/contracts';
import { ConsumerRunner } from '@tsuzuku/platform-kafka';
import { ACTIVITY_CONSUMER, AccountActivityService } from './account-activity.service';

/** Reads cs.events.v1 into account activity. */
@Injectable()
export class AccountActivityConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerRunner,
    private readonly activity: AccountActivityService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.startForEvents({
      groupId: ACTIVITY_CONSUMER,
      topics: [Topic.Events],
      handle: async (envelope) => {
        if (envelope.type === 'customer.event.recorded') await this.activity.record(envelope);
      },
    });
  }
}
