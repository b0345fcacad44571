import { Transform } from 'class-transformer';
import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { decodeSeqCursor } from './seq-cursor';

/** A query string value as an integer; anything else stays as is for the validator to refuse. */
export const ToInteger = () =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value,
  );

@ValidatorConstraint({ name: 'seqCursor' })
export class SeqCursorConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && decodeSeqCursor(value) !== null;
  }

  defaultMessage(_args: ValidationArguments): string {
    return 'cursor is not a cursor this API issued';
  }
}
