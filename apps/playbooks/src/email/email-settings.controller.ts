import { Body, Delete, HttpCode } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead, ApiReplace } from '@tsuzuku/platform-runtime';
import { EmailSettingsDto, PutEmailSettingsDto } from './dto/email-settings.dto';
import { EmailSettingsService } from './email-settings.service';

/**
 * The SMTP server the email steps of the calling token's workspace send through. Without one,
 * the service's SMTP_URL (when set) serves; with neither, an email step fails and so does its run.
 */
@ApiController('email-settings', 'v1/email-settings')
export class EmailSettingsController {
  constructor(private readonly settings: EmailSettingsService) {}

  @ApiRead("The workspace's SMTP server (the password never shown)", EmailSettingsDto)
  @ApiResponse({ status: 404, description: 'no SMTP server set for this workspace' })
  get(@Auth() auth: AuthContext): Promise<EmailSettingsDto> {
    return this.settings.get(auth.workspaceId);
  }

  @ApiReplace(
    "Set the workspace's SMTP server for email steps",
    EmailSettingsDto,
    undefined,
    'The password is write-only: stored, never answered or logged; left out, the stored one is kept.',
  )
  put(@Auth() auth: AuthContext, @Body() body: PutEmailSettingsDto): Promise<EmailSettingsDto> {
    return this.settings.put(auth.workspaceId, body);
  }

  @Delete()
  @HttpCode(204)
  @RequireScopes('write')
  @ApiOperation({ summary: "Remove the workspace's SMTP server (and its password)" })
  @ApiResponse({ status: 204, description: 'removed' })
  @ApiResponse({ status: 404, description: 'no SMTP server set for this workspace' })
  delete(@Auth() auth: AuthContext): Promise<void> {
    return this.settings.delete(auth.workspaceId);
  }
}
