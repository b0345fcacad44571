import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { AccountsRepository } from './accounts.repository';
import { ScoringModule } from '../scoring/scoring.module';

/** The accounts API: accounts, their explained health and history, and score overrides. */
@Module({
  // Setting or clearing an override rescores the account through `Rescorer`.
  imports: [ScoringModule],
  controllers: [AccountsController],
  providers: [AccountsRepository, AccountsService],
})
export class AccountsModule {}
