import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { CredentialsService } from './credentials.service';

@Module({
  controllers: [AdminController],
  providers: [CredentialsService, AdminTokenGuard],
  exports: [CredentialsService],
})
export class WorkspacesModule {}
