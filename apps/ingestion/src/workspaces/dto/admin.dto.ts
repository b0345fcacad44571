import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsDefined,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { API_SCOPES, ApiScope } from '@tsuzuku/contracts';

const FALLBACK_OWNER_DESCRIPTION =
  'who owns the alerts and tasks of accounts that name no owner (an email); required, null: nobody';

/** The fallback owner: an email, or null said out loud (absent is refused). */
function FallbackOwner(): PropertyDecorator {
  return (target, key) => {
    ApiProperty({
      type: String,
      nullable: true,
      example: 'cs-team@example.com',
      description: FALLBACK_OWNER_DESCRIPTION,
    })(target, key);
    ValidateIf((_o, v) => v !== null)(target, key);
    IsDefined({ message: 'fallbackOwner is required (null for nobody)' })(target, key);
    IsEmail({}, { message: 'fallbackOwner must be an email address or null' })(target, key);
    MaxLength(320)(target, key);
  };
}

export class CreateWorkspaceDto {
  @ApiProperty({ example: 'acme' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @FallbackOwner()
  fallbackOwner!: string | null;
}

/** The whole settings of a workspace: every field required. */
export class PutWorkspaceSettingsDto {
  @FallbackOwner()
  fallbackOwner!: string | null;
}

export class WorkspaceSettingsDto {
  @ApiProperty()
  workspaceId!: string;
  @ApiProperty({ type: String, nullable: true, description: FALLBACK_OWNER_DESCRIPTION })
  fallbackOwner!: string | null;
  @ApiProperty({ description: 'counts the changes from 1' })
  version!: number;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
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
  @ApiProperty({ type: String, nullable: true, description: FALLBACK_OWNER_DESCRIPTION })
  fallbackOwner!: string | null;
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
