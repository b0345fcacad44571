import { Transform } from 'class-transformer';

/** Environment strings to numbers; anything that is not a number is kept, so validation names it. */
export function ToNumber(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const n = Number(value);
    return value.trim() !== '' && Number.isFinite(n) ? n : value;
  });
}

/** Environment strings to booleans: true/false/1/0/yes/no; anything else is kept for validation. */
export function ToBoolean(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const v = value.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    return value;
  });
}

/** A comma-separated list. */
export function ToList(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item.length > 0)
      : value,
  );
}
