import { Module } from '@nestjs/common';
import { AccountActivityConsumer } from './account-activity.consumer';
import { AccountActivityService } from './account-activity.service';

@Module({
  providers: [AccountActivityService, AccountActivityConsumer],
  exports: [AccountActivityService],
})
export class AccountActivityModule {}
