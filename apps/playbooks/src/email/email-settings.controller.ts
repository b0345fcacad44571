import { Body, Controller, Delete, Get, HttpCode, Put, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiReplaceOperation, requestValidationPipe } from '@tsuzuku/platform-runtime';
import { EmailSettingsDto, PutEmailSettingsDto } from './dto/email-settings.dto';
import { EmailSettingsService } from './email-settings.service';

/**
 * The SMTP server the email steps of the calling token's workspace send through. Without one,
 * the service's SMTP_URL (when set) serves; with neither, an email step fails and so does its run.
 */
@ApiTags('email-settings')
@Controller('v1/email-settings')
@UsePipes(requestValidationPipe())
export class EmailSettingsController {
  constructor(private readonly settings: EmailSettingsService) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "The workspace's SMTP server (the password never shown)" })
  @ApiResponse({ status: 200, type: EmailSettingsDto })
  @ApiResponse({ status: 404, description: 'no SMTP server set for this workspace' })
  get(@Auth() auth: AuthContext): Promise<EmailSettingsDto> {
    return this.settings.get(auth.workspaceId);
  }

  @Put()
  @RequireScopes('write')
  @ApiReplaceOperation(
    "Set the workspace's SMTP server for email steps",
    'The password is write-only: stored, never answered or logged; left out, the stored one is kept.',
  )
  @ApiResponse({ status: 200, type: EmailSettingsDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
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
