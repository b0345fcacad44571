import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { decodeSeqCursor } from './seq-cursor';

@ValidatorConstraint({ name: 'seqCursor' })
export class SeqCursorConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && decodeSeqCursor(value) !== null;
  }

  defaultMessage(_args: ValidationArguments): string {
    return 'cursor is not a cursor this API issued';
  }
}
