import { Body, Controller, Get, Put, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiReplaceOperation, requestValidationPipe } from '@tsuzuku/platform-runtime';
import { RulesStore } from '../rules/rules.store';
import { AlertSettingsDto, PutAlertSettingsDto } from './dto/alert-settings.dto';
import { returning } from '../shared/returning';

/** The alerting settings of the calling token's workspace: who owns alerts when no CSM is named. */
@ApiTags('alert-settings')
@Controller('v1/alert-settings')
@UsePipes(requestValidationPipe())
export class AlertSettingsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rules: RulesStore,
  ) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: "The workspace's alerting settings" })
  @ApiResponse({ status: 200, type: AlertSettingsDto })
  async get(@Auth() auth: AuthContext): Promise<AlertSettingsDto> {
    return this.dataSource.transaction(async (m) => {
      await this.rules.ensureWorkspaces(m, [auth.workspaceId]);
      const [row]: { default_owner: string | null; updated_at: Date }[] = await m.query(
        `SELECT default_owner, updated_at FROM alerting.workspace_settings WHERE workspace_id = $1`,
        [auth.workspaceId],
      );
      return { defaultOwner: row!.default_owner, updatedAt: row!.updated_at.toISOString() };
    });
  }

  @Put()
  @RequireScopes('write')
  @ApiReplaceOperation('Replace the alerting settings: the default owner of alerts raised from now on')
  @ApiResponse({ status: 200, type: AlertSettingsDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
  async put(@Auth() auth: AuthContext, @Body() body: PutAlertSettingsDto): Promise<AlertSettingsDto> {
    return this.dataSource.transaction(async (m) => {
      await this.rules.ensureWorkspaces(m, [auth.workspaceId]);
      const [row] = returning<{ default_owner: string | null; updated_at: Date }>(
        await m.query(
          `UPDATE alerting.workspace_settings SET default_owner = $2, updated_at = now() WHERE workspace_id = $1
         RETURNING default_owner, updated_at`,
          [auth.workspaceId, body.defaultOwner],
        ),
      );
      return { defaultOwner: row!.default_owner, updatedAt: row!.updated_at.toISOString() };
    });
  }
}
