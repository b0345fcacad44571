import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CurrencySettings, DEFAULT_CURRENCY_SETTINGS } from '../kpis/domain/currency';
import { WorkspaceCache } from '@tsuzuku/platform-runtime';
import { CurrencySettingsRepository } from './currency-settings.repository';

export interface CurrencySettingsView extends CurrencySettings {
  /** null: never set, the defaults. */
  readonly updatedAt: string | null;
}

/** Each workspace's reporting currency and conversion rates (USD and no rates until set). */
@Injectable()
export class CurrencySettingsStore {
  private readonly cache = new WorkspaceCache<CurrencySettingsView>(10_000);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly repository: CurrencySettingsRepository,
  ) {}

  /** The settings; with a transaction's manager, read in it (and not cached). */
  async get(workspaceId: string, m?: EntityManager): Promise<CurrencySettings> {
    if (m) return this.load(workspaceId, m);
    return this.cache.get(workspaceId, (ws) => this.load(ws, this.dataSource.manager));
  }

  view(workspaceId: string): Promise<CurrencySettingsView> {
    return this.cache.get(workspaceId, (ws) => this.load(ws, this.dataSource.manager));
  }

  async save(
    m: EntityManager,
    workspaceId: string,
    settings: CurrencySettings,
  ): Promise<CurrencySettingsView> {
    const updatedAt = await this.repository.save(m, workspaceId, settings);
    this.cache.forget(workspaceId);
    return { ...settings, updatedAt: updatedAt.toISOString() };
  }

  private async load(workspaceId: string, m: EntityManager): Promise<CurrencySettingsView> {
    const row = await this.repository.load(m, workspaceId);
    return row
      ? { currency: row.currency, rates: row.rates, updatedAt: row.updatedAt.toISOString() }
      : { ...DEFAULT_CURRENCY_SETTINGS, updatedAt: null };
  }
}
