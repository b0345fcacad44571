import { ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { decodePageCursor } from './page-cursor';

@ValidatorConstraint({ name: 'pageCursor' })
export class PageCursorConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && decodePageCursor(value) !== null;
  }

  defaultMessage(): string {
    return 'cursor is not a cursor this API issued';
  }
}
