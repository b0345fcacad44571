import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsEmail,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';

/** At most this many account ids in one reassignment. */
export const MAX_REASSIGNED_IDS = 500;

/** PATCH /v1/accounts/{id}: the account's owner, or null to leave it without one. */
export class UpdateAccountDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'jane@example.com',
    description: "the CSM's email; null removes the owner",
  })
  @IsDefined({ message: 'owner is required (an email, or null to remove the owner)' })
  @ValidateIf((_, value) => value !== null)
  @IsEmail({}, { message: 'owner must be an email or null' })
  @MaxLength(320)
  owner!: string | null;
}

/**
 * POST /v1/accounts/reassign: the accounts to move (these ids, those of `fromOwner`, or those of
 * `fromOwner` among the ids) and their new owner.
 */
export class ReassignAccountsDto {
  @ApiPropertyOptional({ type: [String], maxItems: MAX_REASSIGNED_IDS, example: ['acct-001'] })
  @ValidateIf((o: ReassignAccountsDto) => o.accountIds !== undefined || o.fromOwner === undefined)
  @IsArray({ message: 'accountIds must be a list of account ids (or give fromOwner)' })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_REASSIGNED_IDS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  accountIds?: string[];

  @ApiPropertyOptional({ example: 'old@example.com', description: 'move the accounts this owner has' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  fromOwner?: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'jane@example.com',
    description: 'null removes the owner',
  })
  @IsDefined({ message: 'owner is required (an email, or null to remove the owner)' })
  @ValidateIf((_, value) => value !== null)
  @IsEmail({}, { message: 'owner must be an email or null' })
  @MaxLength(320)
  owner!: string | null;
}

/** What a reassignment moved. */
export class ReassignResultDto {
  @ApiProperty({ description: 'how many accounts changed owner' })
  moved!: number;
  @ApiProperty({ type: [String], description: 'the accounts that changed owner' })
  accountIds!: string[];
}
