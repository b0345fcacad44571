import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsOptional, MaxLength, ValidateIf } from 'class-validator';

export class PutAlertSettingsDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'cs-team@example.com',
    description: 'owner of the alerts of accounts without a csm_email; null: none',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsEmail()
  @MaxLength(320)
  defaultOwner?: string | null;
}

export class AlertSettingsDto {
  @ApiProperty({ type: String, nullable: true })
  defaultOwner!: string | null;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
