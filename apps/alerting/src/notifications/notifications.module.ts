import { Module } from '@nestjs/common';
import { RuleStorageModule } from '../rules/rule-storage.module';
import { ChannelsController, DeliveriesController } from './channels.controller';
import { ChannelRepository } from './channel.repository';
import { ChannelsService } from './channels.service';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryWake } from './delivery-wake';
import { DeliveryWorker } from './delivery.worker';
import { NotificationSenders } from './notification-senders';

/** Notification channels, their API, and the worker that delivers to them. */
@Module({
  imports: [RuleStorageModule],
  controllers: [ChannelsController, DeliveriesController],
  providers: [
    ChannelRepository,
    DeliveryRepository,
    ChannelsService,
    DeliveryWake,
    NotificationSenders,
    DeliveryWorker,
  ],
  exports: [ChannelRepository, DeliveryRepository, DeliveryWake],
})
export class NotificationsModule {}
