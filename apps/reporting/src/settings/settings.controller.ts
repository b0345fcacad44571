import { Body, Controller, Get, Put, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiReplaceOperation, requestValidationPipe } from '@tsuzuku/platform-runtime';
import { CurrencySettingsStore, CurrencySettingsView } from './currency-settings.store';
import { SettingsService } from './settings.service';
import {
  ChangedCurrencySettingsDto,
  CurrencySettingsDto,
  PutCurrencySettingsDto,
} from './dto/currency-settings.dto';

/** The reporting currency and conversion rates of the token's workspace. */
@ApiTags('reports')
@Controller('v1/reports/settings')
@UsePipes(requestValidationPipe())
export class SettingsController {
  constructor(
    private readonly settings: CurrencySettingsStore,
    private readonly service: SettingsService,
  ) {}

  @Get()
  @RequireScopes('read')
  @ApiOperation({ summary: 'The reporting currency and conversion rates (USD and none until set)' })
  @ApiResponse({ status: 200, type: CurrencySettingsDto })
  get(@Auth() auth: AuthContext): Promise<CurrencySettingsView> {
    return this.settings.view(auth.workspaceId);
  }

  @Put()
  @RequireScopes('write')
  @ApiReplaceOperation(
    "Replace the reporting currency and rates; every account's MRR is derived again before the answer",
  )
  @ApiResponse({ status: 200, type: ChangedCurrencySettingsDto })
  @ApiResponse({ status: 400, description: 'every problem with its field path' })
  async put(
    @Auth() auth: AuthContext,
    @Body() body: PutCurrencySettingsDto,
  ): Promise<CurrencySettingsView & { readonly rederived: number }> {
    return this.service.replace(auth.workspaceId, body);
  }
}
