import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '@tsuzuku/platform-runtime';
import { CurrencySettings } from '../kpis/domain/currency';
import { MrrDeriver } from '../read-models/mrr.deriver';
import { MrrRepository } from '../read-models/mrr.repository';
import { CurrencySettingsStore, CurrencySettingsView } from './currency-settings.store';

const BATCH = 500;

/** Changes a workspace's reporting currency and rates, and derives its accounts' MRR again with them. */
@Injectable()
export class SettingsService {
  constructor(
    private readonly settings: CurrencySettingsStore,
    private readonly deriver: MrrDeriver,
    private readonly mrr: MrrRepository,
    private readonly clock: Clock,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** Saves the settings (codes upper-cased), then derives every account with a ledger again, a batch per transaction. */
  async replace(
    workspaceId: string,
    settings: CurrencySettings,
  ): Promise<CurrencySettingsView & { readonly rederived: number }> {
    const rates = Object.fromEntries(
      Object.entries(settings.rates).map(([code, rate]) => [code.toUpperCase(), rate]),
    );
    const saved = await this.dataSource.transaction((m) =>
      this.settings.save(m, workspaceId, { currency: settings.currency.toUpperCase(), rates }),
    );
    const ids = await this.mrr.accountsWithLedger(workspaceId);
    const now = this.clock.now().getTime();
    for (let i = 0; i < ids.length; i += BATCH)
      await this.dataSource.transaction((m) =>
        this.deriver.derive(m, workspaceId, ids.slice(i, i + BATCH), now),
      );
    return { ...saved, rederived: ids.length };
  }
}
