import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { defineStatements } from '@tsuzuku/platform-database';
import { CurrencySettings } from '../kpis/domain/currency';

const sql = defineStatements('reporting.currency-settings', {
  save: `
    INSERT INTO reporting.settings (workspace_id, currency, rates, updated_at) VALUES ($1, $2, $3, now())
    ON CONFLICT (workspace_id) DO UPDATE SET currency = EXCLUDED.currency, rates = EXCLUDED.rates, updated_at = now()
    RETURNING updated_at`,
  load: 'SELECT currency, rates, updated_at FROM reporting.settings WHERE workspace_id = $1',
});

/** A workspace's stored reporting currency and rates, and when they were set. */
export interface StoredCurrencySettings extends CurrencySettings {
  readonly updatedAt: Date;
}

/** Each workspace's reporting currency and conversion rates, as set (no row: never set). */
@Injectable()
export class CurrencySettingsRepository {
  /** Replaces the settings; answers when they were set. */
  async save(m: EntityManager, workspaceId: string, settings: CurrencySettings): Promise<Date> {
    const [row]: { updated_at: Date }[] = await m.query(sql.save, [
      workspaceId,
      settings.currency,
      JSON.stringify(settings.rates),
    ]);
    return row!.updated_at;
  }

  async load(m: EntityManager, workspaceId: string): Promise<StoredCurrencySettings | undefined> {
    const [row]: { currency: string; rates: Record<string, number>; updated_at: Date }[] = await m.query(
      sql.load,
      [workspaceId],
    );
    return row ? { currency: row.currency, rates: row.rates, updatedAt: row.updated_at } : undefined;
  }
}
