import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCalendarDate } from '@tsuzuku/platform-runtime';

/** GET …/health: with asOf, the health as it stood at the end of that day instead of the explanation. */
export class HealthAsOfQuery {
  @ApiPropertyOptional({
    example: '2026-03-31',
    description: 'a past or present UTC day, YYYY-MM-DD: the health as it stood at its end',
  })
  @IsOptional()
  @IsCalendarDate()
  asOf?: string;
}
