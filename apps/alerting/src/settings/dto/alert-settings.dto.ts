import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsEmail, MaxLength, ValidateIf } from 'class-validator';

/** The whole alerting settings of a workspace: every field required. */
export class PutAlertSettingsDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'cs-team@example.com',
    description: 'owner of the alerts of accounts without an owner; required, null: none',
  })
  @ValidateIf((_o, v) => v !== null)
  @IsDefined({ message: 'defaultOwner is required (null for none)' })
  @IsEmail()
  @MaxLength(320)
  defaultOwner!: string | null;
}

export class AlertSettingsDto {
  @ApiProperty({ type: String, nullable: true })
  defaultOwner!: string | null;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
