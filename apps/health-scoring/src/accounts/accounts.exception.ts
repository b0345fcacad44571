import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

/** A refused accounts API request: its status, a code and what was wrong. */
export class AccountsException extends CodedApiException({
  account_not_found: HttpStatus.NOT_FOUND,
  override_not_found: HttpStatus.NOT_FOUND,
  rescore_failed: HttpStatus.SERVICE_UNAVAILABLE,
  no_health_as_of: HttpStatus.NOT_FOUND,
  as_of_in_future: HttpStatus.BAD_REQUEST,
}) {
  static accountNotFound(accountId: string): AccountsException {
    // The same answer whether the account is another workspace's or nobody's.
    return new AccountsException('account_not_found', `no account ${accountId} in this workspace`);
  }

  static noHealthAsOf(accountId: string, asOf: string): AccountsException {
    return new AccountsException(
      'no_health_as_of',
      `account ${accountId} had no score yet at the end of ${asOf}`,
    );
  }

  static asOfInFuture(asOf: string): AccountsException {
    return new AccountsException(
      'as_of_in_future',
      `asOf ${asOf} is a day to come: the health of a past or present day only`,
      [{ path: 'asOf', message: 'asOf must not be after today (UTC)' }],
      { in: 'query' },
    );
  }
}

/** The codes of AccountsException. */
export type AccountsExceptionCode = AccountsException['code'];
