import { MICROS } from './kpi-formulas';

/** A workspace's reporting currency and what one unit of each other currency is worth in it. */
export interface CurrencySettings {
  /** ISO 4217 code, upper case. */
  readonly currency: string;
  /** Units of the reporting currency per unit of the keyed currency. */
  readonly rates: Readonly<Record<string, number>>;
}

export const DEFAULT_CURRENCY_SETTINGS: CurrencySettings = { currency: 'USD', rates: {} };

export type Conversion =
  { readonly ok: true; readonly micros: number } | { readonly ok: false; readonly currency: string };

/**
 * An amount in millionths of the reporting currency. An event without a currency is taken to be
 * in the reporting currency; a currency without a rate cannot be converted and is never summed.
 */
export function toReportingMicros(
  amount: number,
  currency: string | null,
  settings: CurrencySettings,
): Conversion {
  const code = (currency ?? settings.currency).trim().toUpperCase();
  const rate = code === settings.currency ? 1 : settings.rates[code];
  if (rate === undefined) return { ok: false, currency: code };
  return { ok: true, micros: Math.round(amount * rate * MICROS) };
}
