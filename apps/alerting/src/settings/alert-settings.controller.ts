import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead } from '@tsuzuku/platform-runtime';
import { AlertSettingsService } from './alert-settings.service';
import { AlertSettingsDto } from './dto/alert-settings.dto';

/**
 * The alerting settings of the calling token's workspace as alerting applies them: the fallback
 * owner of alerts when the account names no owner. It is one workspace setting, changed through
 * ingestion (PUT /v1/workspace-settings) and read here from cs.workspaces.v1.
 */
@ApiController('alert-settings', 'v1/alert-settings')
export class AlertSettingsController {
  constructor(private readonly settings: AlertSettingsService) {}

  @ApiRead(
    "The workspace's fallback owner as alerting applies it (change it with ingestion's PUT /v1/workspace-settings)",
    AlertSettingsDto,
  )
  get(@Auth() auth: AuthContext): Promise<AlertSettingsDto> {
    return this.settings.get(auth.workspaceId);
  }
}
