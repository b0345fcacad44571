/**
 * Calendar months in UTC as plain integers (year × 12 + month index), so that month arithmetic
 * is integer arithmetic. Month M runs from its first day 00:00 UTC to the next month's.
 */
export type MonthIndex = number;

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM` to its index; undefined when it is not a month. */
export function parseMonth(text: string): MonthIndex | undefined {
  const match = MONTH_PATTERN.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

export function formatMonth(month: MonthIndex): string {
  const year = Math.floor(month / 12);
  return `${String(year).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`;
}

/** The month an instant (epoch milliseconds) falls in. */
export function monthOf(epochMs: number): MonthIndex {
  const date = new Date(epochMs);
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** The first instant of the month, epoch milliseconds. */
export function monthStart(month: MonthIndex): number {
  return Date.UTC(Math.floor(month / 12), month % 12, 1);
}

/** `YYYY-MM-01`, the form months take in the database. */
export function monthDate(month: MonthIndex): string {
  return `${formatMonth(month)}-01`;
}

export function daysInMonth(month: MonthIndex): number {
  return Math.round((monthStart(month + 1) - monthStart(month)) / 86_400_000);
}

/** The months from `from` to `to`, both included. */
export function monthRange(from: MonthIndex, to: MonthIndex): MonthIndex[] {
  const months: MonthIndex[] = [];
  for (let m = from; m <= to; m++) months.push(m);
  return months;
}
