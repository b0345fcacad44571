import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { AccountsStore } from './accounts.store';

/** The accounts API: accounts, their explained health and history, and score overrides. */
@Module({
  controllers: [AccountsController],
  providers: [AccountsStore, AccountsService],
})
export class AccountsModule {}
