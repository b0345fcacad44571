import { Transform } from 'class-transformer';

/**
 * Query-string values as the DTOs want them, for class-validator to judge after: a value that
 * does not convert stays as it came, so the validator names it in its 400.
 */

/** `?status=open,acknowledged` and `?status=open&status=acknowledged` both mean either. */
export const ToList = () =>
  Transform(({ value }: { value: unknown }) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]))
      .map((v) => (typeof v === 'string' ? v.trim() : v)),
  );

/** `?limit=20` as the integer 20. */
export const ToInteger = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
  );

/** `?min=0.25` as the number 0.25 (a plain decimal: no exponent, no hex, no blanks inside). */
export const ToDecimal = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?(\d+(\.\d*)?|\.\d+)$/.test(value.trim()) ? Number(value) : value,
  );

/** `?detail=true` / `false` as booleans. */
export const ToBoolean = () =>
  Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));
