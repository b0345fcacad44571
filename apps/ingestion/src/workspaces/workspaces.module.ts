import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { CredentialsService } from './credentials.service';

@Module({
  controllers: [AdminController],
  providers: [CredentialsService],
  exports: [CredentialsService],
})
export class WorkspacesModule {}
