import { Body } from '@nestjs/common';
import { Auth, AuthContext } from '@tsuzuku/platform-auth';
import { ApiController, ApiRead, ApiReplace } from '@tsuzuku/platform-runtime';
import { CurrencySettingsStore, CurrencySettingsView } from './currency-settings.store';
import { SettingsService } from './settings.service';
import {
  ChangedCurrencySettingsDto,
  CurrencySettingsDto,
  PutCurrencySettingsDto,
} from './dto/currency-settings.dto';

/** The reporting currency and conversion rates of the token's workspace. */
@ApiController('reports', 'v1/reports/settings')
export class SettingsController {
  constructor(
    private readonly settings: CurrencySettingsStore,
    private readonly service: SettingsService,
  ) {}

  @ApiRead('The reporting currency and conversion rates (USD and none until set)', CurrencySettingsDto)
  get(@Auth() auth: AuthContext): Promise<CurrencySettingsView> {
    return this.settings.view(auth.workspaceId);
  }

  @ApiReplace(
    "Replace the reporting currency and rates; every account's MRR is derived again before the answer",
    ChangedCurrencySettingsDto,
  )
  async put(
    @Auth() auth: AuthContext,
    @Body() body: PutCurrencySettingsDto,
  ): Promise<CurrencySettingsView & { readonly rederived: number }> {
    return this.service.replace(auth.workspaceId, body);
  }
}
