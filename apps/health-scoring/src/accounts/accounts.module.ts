import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { AccountsRepository } from './accounts.repository';
import { ScoringModule } from '../scoring/scoring.module';
import { AccountsGrpcController } from './grpc/accounts.grpc.controller';
import { AccountsGrpcServer } from './grpc/accounts.grpc.server';

/** The accounts API (REST, and gRPC for assigning owners): accounts, their health and history, overrides, owners. */
@Module({
  // Setting or clearing an override rescores the account through `Rescorer`.
  imports: [ScoringModule],
  controllers: [AccountsController, AccountsGrpcController],
  providers: [AccountsRepository, AccountsService, AccountsGrpcServer],
})
export class AccountsModule {}
