import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { CredentialsService } from './credentials.service';
import { CredentialRepository } from './credential.repository';
import { WorkspaceRepository } from './workspace.repository';

@Module({
  controllers: [AdminController],
  providers: [CredentialsService, WorkspaceRepository, CredentialRepository],
  exports: [CredentialsService],
})
export class WorkspacesModule {}
