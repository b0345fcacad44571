import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { CredentialsService } from './credentials.service';
import { CredentialRepository } from './credential.repository';
import { WorkspaceRepository } from './workspace.repository';
import { WorkspaceSettingsController } from './workspace-settings.controller';
import { WorkspaceSettingsService } from './workspace-settings.service';

@Module({
  controllers: [AdminController, WorkspaceSettingsController],
  providers: [CredentialsService, WorkspaceRepository, CredentialRepository, WorkspaceSettingsService],
  exports: [CredentialsService, WorkspaceSettingsService],
})
export class WorkspacesModule {}
