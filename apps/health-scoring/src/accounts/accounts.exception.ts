import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

export enum AccountsExceptionCode {
  AccountNotFound = 'account_not_found',
  OverrideNotFound = 'override_not_found',
  RescoreFailed = 'rescore_failed',
}

/** A refused accounts API request: its status, a code and what was wrong. */
export class AccountsException extends CodedApiException<AccountsExceptionCode>({
  [AccountsExceptionCode.AccountNotFound]: HttpStatus.NOT_FOUND,
  [AccountsExceptionCode.OverrideNotFound]: HttpStatus.NOT_FOUND,
  [AccountsExceptionCode.RescoreFailed]: HttpStatus.SERVICE_UNAVAILABLE,
}) {
  static accountNotFound(accountId: string): AccountsException {
    // The same answer whether the account is another workspace's or nobody's.
    return new AccountsException(
      AccountsExceptionCode.AccountNotFound,
      `no account ${accountId} in this workspace`,
    );
  }
}
