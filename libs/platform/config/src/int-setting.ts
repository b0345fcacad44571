import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';
import { ToNumber } from './transforms';

/**
 * A whole-number setting read from the environment: at least `min` and, when given, at most
 * `max`. The same as stacking `@ToNumber() @IsInt() @Min(min) @Max(max)`, in that order, so a
 * bad value's problems are named in the same order.
 */
export function IntSetting(min: number, max?: number): PropertyDecorator {
  // A stack of decorators applies from the bottom up; applyDecorators applies in list order.
  const bounds = max === undefined ? [Min(min)] : [Max(max), Min(min)];
  return applyDecorators(...bounds, IsInt(), ToNumber());
}
