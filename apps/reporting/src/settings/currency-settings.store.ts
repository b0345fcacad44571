import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CurrencySettings, DEFAULT_CURRENCY_SETTINGS } from '../kpis/domain/currency';
import { WorkspaceCache } from '@tsuzuku/platform-runtime';

export interface CurrencySettingsView extends CurrencySettings {
  /** null: never set, the defaults. */
  readonly updatedAt: string | null;
}

/** Each workspace's reporting currency and conversion rates (USD and no rates until set). */
@Injectable()
export class CurrencySettingsStore {
  private readonly cache = new WorkspaceCache<CurrencySettingsView>(10_000);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

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
    const [row]: { updated_at: Date }[] = await m.query(
      `INSERT INTO reporting.settings (workspace_id, currency, rates, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (workspace_id) DO UPDATE SET currency = EXCLUDED.currency, rates = EXCLUDED.rates, updated_at = now()
       RETURNING updated_at`,
      [workspaceId, settings.currency, JSON.stringify(settings.rates)],
    );
    this.cache.forget(workspaceId);
    return { ...settings, updatedAt: row!.updated_at.toISOString() };
  }

  private async load(workspaceId: string, m: EntityManager): Promise<CurrencySettingsView> {
    const [row]: { currency: string; rates: Record<string, number>; updated_at: Date }[] = await m.query(
      'SELECT currency, rates, updated_at FROM reporting.settings WHERE workspace_id = $1',
      [workspaceId],
    );
    return row
      ? { currency: row.currency, rates: row.rates, updatedAt: row.updated_at.toISOString() }
      : { ...DEFAULT_CURRENCY_SETTINGS, updatedAt: null };
  }
}
