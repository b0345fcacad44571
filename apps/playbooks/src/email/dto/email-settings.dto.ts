import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** The SMTP server of a workspace's email steps, as PUT replaces it. */
export class PutEmailSettingsDto {
  @ApiProperty({ example: 'smtp.example.com', maxLength: 253 })
  @IsString()
  @MinLength(1)
  @MaxLength(253)
  @Matches(/^[A-Za-z0-9.:[\]-]+$/, { message: 'host must be a host name or an IP address' })
  host!: string;

  @ApiProperty({ example: 587, minimum: 1, maximum: 65535 })
  @IsInt()
  @Min(1)
  @Max(65535)
  port!: number;

  @ApiPropertyOptional({
    default: false,
    description: 'TLS from the first byte (port 465); false: STARTTLS when the server offers it',
  })
  @IsOptional()
  @IsBoolean()
  secure?: boolean;

  @ApiProperty({ example: 'Customer Success <cs@example.com>', maxLength: 320 })
  @IsString()
  @MaxLength(320)
  @Matches(/^[^\r\n]*[^\s@<>]+@[^\s@<>]+[^\r\n]*$/, { message: 'from must hold an email address' })
  from!: string;

  @ApiPropertyOptional({ type: String, nullable: true, default: null, description: 'SMTP AUTH user' })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  username?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    writeOnly: true,
    description:
      'SMTP AUTH password: stored, never answered or logged; left out keeps the stored one, null clears it',
  })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password?: string | null;
}

/** The SMTP server of a workspace's email steps, as the API shows it (never the password). */
export class EmailSettingsDto {
  @ApiProperty() host!: string;
  @ApiProperty() port!: number;
  @ApiProperty() secure!: boolean;
  @ApiProperty() from!: string;
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
  @ApiProperty({ description: 'whether a password is stored (it is never shown)' }) passwordSet!: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
