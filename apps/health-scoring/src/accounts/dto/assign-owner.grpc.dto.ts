import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { MAX_REASSIGNED_IDS } from './assign-owner.dto';

/**
 * AssignAccountOwner's request (tsuzuku.accounts.v1): as PATCH /v1/accounts/{id}, with the id in
 * the message and an unset owner for none (proto3 has no null).
 */
export class AssignAccountOwnerRequest {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  accountId!: string;

  @IsOptional()
  @IsEmail({}, { message: 'owner must be an email (leave it unset to remove the owner)' })
  @MaxLength(320)
  owner?: string;
}

/** ReassignAccounts's request: as POST /v1/accounts/reassign, an unset owner for none. */
export class ReassignAccountsRequest {
  // An empty repeated field arrives unset: then fromOwner is required.
  @ValidateIf((o: ReassignAccountsRequest) => o.accountIds !== undefined || o.fromOwner === undefined)
  @IsArray({ message: 'accountIds must list account ids (or give fromOwner)' })
  @ArrayMaxSize(MAX_REASSIGNED_IDS)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(200, { each: true })
  accountIds?: string[];

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(320)
  fromOwner?: string;

  @IsOptional()
  @IsEmail({}, { message: 'owner must be an email (leave it unset to remove the owner)' })
  @MaxLength(320)
  owner?: string;
}
