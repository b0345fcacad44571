import { Body, Controller, Get, Put, UsePipes } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Auth, AuthContext, RequireScopes } from '@tsuzuku/platform-auth';
import { ApiReplaceOperation, requestValidationPipe } from '@tsuzuku/platform-runtime';
import { MrrDeriver } from '../read-models/mrr.deriver';
import { CurrencySettingsStore, CurrencySettingsView } from './currency-settings.store';
import {
  ChangedCurrencySettingsDto,
  CurrencySettingsDto,
  PutCurrencySettingsDto,
} from './dto/currency-settings.dto';

const BATCH = 500;

/** The reporting currency and conversion rates of the token's workspace. */
@ApiTags('reports')
@Controller('v1/reports/settings')
@UsePipes(requestValidationPipe())
export class SettingsController {
  constructor(
    private readonly settings: CurrencySettingsStore,
    private readonly deriver: MrrDeriver,
    @InjectDataSource() private readonly dataSource: DataSource,
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
    const ws = auth.workspaceId;
    const rates = Object.fromEntries(
      Object.entries(body.rates).map(([code, rate]) => [code.toUpperCase(), rate]),
    );
    const saved = await this.dataSource.transaction((m) =>
      this.settings.save(m, ws, {
        currency: body.currency.toUpperCase(),
        rates,
      }),
    );
    const accounts: { account_id: string }[] = await this.dataSource.query(
      'SELECT DISTINCT account_id FROM reporting.subscription_events WHERE workspace_id = $1 ORDER BY account_id',
      [ws],
    );
    const ids = accounts.map((a) => a.account_id);
    const now = Date.now();
    for (let i = 0; i < ids.length; i += BATCH)
      await this.dataSource.transaction((m) => this.deriver.derive(m, ws, ids.slice(i, i + BATCH), now));
    return { ...saved, rederived: ids.length };
  }
}
