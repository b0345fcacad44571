import { Transform } from 'class-transformer';
import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { decodePageCursor } from './page-cursor';

/** `?status=open,acknowledged` and `?status=open&status=acknowledged` both mean either. */
export const ToList = () =>
  Transform(({ value }: { value: unknown }) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]))
      .map((v) => (typeof v === 'string' ? v.trim() : v)),
  );

/** A query string value as an integer; anything else stays as is for the validator to refuse. */
export const ToInteger = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
  );

@ValidatorConstraint({ name: 'pageCursor' })
export class PageCursorConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && decodePageCursor(value) !== null;
  }

  defaultMessage(): string {
    return 'cursor is not a cursor this API issued';
  }
}
