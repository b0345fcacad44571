import { Module } from '@nestjs/common';
import { ChannelsController, DeliveriesController } from './channels.controller';
import { ChannelsService } from './channels.service';
import { DeliveryWake } from './delivery-wake';
import { DeliveryWorker } from './delivery.worker';
import { NotificationSenders } from './notification-senders';

/** Notification channels, their API, and the worker that delivers to them. */
@Module({
  controllers: [ChannelsController, DeliveriesController],
  providers: [ChannelsService, DeliveryWake, NotificationSenders, DeliveryWorker],
  exports: [DeliveryWake],
})
export class NotificationsModule {}
