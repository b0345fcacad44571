import { IsInt, Max, Min } from 'class-validator';
import { ToNumber } from './transforms';

/**
 * A whole-number variable of at least `min` (and at most `max`): the environment string read as
 * a number, then validated. The same as writing ToNumber, IsInt, Min and Max on the property.
 */
export function IntegerSetting(min: number, max?: number): PropertyDecorator {
  return (target, key) => {
    // Bottom-up, as TypeScript applies decorators written one under the other: the constraints
    // are then registered, and a bad value's problems listed, in that order.
    if (max !== undefined) Max(max)(target, key);
    Min(min)(target, key);
    IsInt()(target, key);
    ToNumber()(target, key);
  };
}
