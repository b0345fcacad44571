import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { API_SCOPES, ApiScope } from '@tsuzuku/contracts';

export class CreateWorkspaceDto {
  @ApiProperty({ example: 'acme' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

export class CreateWriteKeyDto {
  @ApiProperty({ example: 'web-backend', description: 'the source the key belongs to' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
    message: 'source must be 1-64 letters, digits, dots, dashes or underscores',
  })
  source!: string;
}

export class CreateApiTokenDto {
  @ApiProperty({ example: 'cs-dashboard' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ enum: API_SCOPES, isArray: true, default: ['read'] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(API_SCOPES, { each: true })
  scopes?: ApiScope[];
}

export class CredentialDto {
  @ApiProperty()
  id!: string;
  @ApiProperty({ enum: ['write_key', 'api_token'] })
  kind!: string;
  @ApiProperty()
  workspaceId!: string;
  @ApiProperty({ description: 'the source of a write key, the name of an API token' })
  label!: string;
  @ApiProperty({ enum: API_SCOPES, isArray: true })
  scopes!: string[];
  @ApiProperty({ description: 'the first characters of the secret, to recognise it' })
  prefix!: string;
  @ApiProperty()
  createdAt!: string;
  @ApiProperty({ nullable: true, type: String })
  revokedAt!: string | null;
}

export class IssuedCredentialDto extends CredentialDto {
  @ApiProperty({ description: 'the secret: shown this once, stored only as a hash' })
  secret!: string;
}

export class WorkspaceDto {
  @ApiProperty()
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty()
  createdAt!: string;
}

export class CreatedWorkspaceDto {
  @ApiProperty()
  workspace!: WorkspaceDto;
  @ApiProperty()
  writeKey!: IssuedCredentialDto;
  @ApiProperty()
  apiToken!: IssuedCredentialDto;
}
