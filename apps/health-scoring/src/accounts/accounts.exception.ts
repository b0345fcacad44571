import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

/** A refused accounts API request: its status, a code and what was wrong. */
export class AccountsException extends CodedApiException({
  account_not_found: HttpStatus.NOT_FOUND,
  override_not_found: HttpStatus.NOT_FOUND,
  rescore_failed: HttpStatus.SERVICE_UNAVAILABLE,
}) {
  static accountNotFound(accountId: string): AccountsException {
    // The same answer whether the account is another workspace's or nobody's.
    return new AccountsException('account_not_found', `no account ${accountId} in this workspace`);
  }
}

/** The codes of AccountsException. */
export type AccountsExceptionCode = AccountsException['code'];
