import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';

/**
 * Dates, months and instants as the APIs take them: written strictly (ISO 8601), existing on the
 * calendar (no 2026-02-30, no month 13, no 25:00), in years 0001 to 9999 so that JavaScript and
 * every Postgres date and timestamp column agree on them.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?)?$/;

function dayExists(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  // Date.UTC maps years 0-99 to 1900-1999: build the date and set the year after.
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `YYYY-MM-DD`, a day that exists. */
export function isCalendarDate(value: unknown): value is string {
  const match = typeof value === 'string' ? DATE.exec(value) : null;
  return match !== null && dayExists(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** `YYYY-MM`, months 01 to 12, years 0001 to 9999. */
export function isCalendarMonth(value: unknown): value is string {
  const match = typeof value === 'string' ? MONTH.exec(value) : null;
  return match !== null && Number(match[1]) >= 1 && Number(match[2]) >= 1 && Number(match[2]) <= 12;
}

/**
 * An ISO-8601 date or date-time that exists: `YYYY-MM-DD`, optionally `Thh:mm[:ss[.fraction]]`
 * and a zone (`Z` or ±hh:mm).
 */
export function isInstant(value: unknown): value is string {
  const match = typeof value === 'string' ? INSTANT.exec(value) : null;
  if (!match || !dayExists(Number(match[1]), Number(match[2]), Number(match[3]))) return false;
  const [hour, minute, second, zoneHours, zoneMinutes] = [4, 5, 6, 8, 9].map((i) => Number(match[i] ?? 0));
  return hour! < 24 && minute! < 60 && second! < 60 && zoneHours! < 24 && zoneMinutes! < 60;
}

/** The property is a day that exists, `YYYY-MM-DD`. */
export const IsCalendarDate = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: isCalendarDate,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be a date that exists, YYYY-MM-DD`,
          options,
        ),
      },
    },
    options,
  );

/** The property is a month, `YYYY-MM`. */
export const IsCalendarMonth = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isCalendarMonth',
      validator: {
        validate: isCalendarMonth,
        defaultMessage: buildMessage((each) => `${each}$property must be a month, YYYY-MM`, options),
      },
    },
    options,
  );

/** The property is an ISO-8601 date or date-time that exists. */
export const IsInstant = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: isInstant,
        defaultMessage: buildMessage(
          (each) => `${each}$property must be an ISO-8601 date-time that exists, e.g. 2026-01-31T12:00:00Z`,
          options,
        ),
      },
    },
    options,
  );
