import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayNotEmpty, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ToList } from './query-transforms';

/**
 * An optional list filter of a query string: one or more of `values`, comma-separated or
 * repeated (`?status=open,acknowledged` or `?status=open&status=acknowledged`).
 */
export function EnumListFilter(values: readonly string[]): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ enum: values, isArray: true, description: 'one or more, comma-separated' }),
    IsOptional(),
    ToList(),
    IsArray(),
    ArrayNotEmpty(),
    IsIn(values, { each: true }),
  );
}

/** An optional text filter of a query string: a non-empty string of at most `maxLength`. */
export function TextFilter(maxLength: number, description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional(description === undefined ? {} : { description }),
    IsOptional(),
    IsString(),
    MinLength(1),
    MaxLength(maxLength),
  );
}
