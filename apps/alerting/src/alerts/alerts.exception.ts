import { HttpStatus } from '@nestjs/common';
import { ApiException } from '@tsuzuku/platform-runtime';

export enum AlertsExceptionCode {
  AlertNotFound = 'alert_not_found',
  InvalidTransition = 'invalid_transition',
  RuleNotFound = 'rule_not_found',
  InvalidRule = 'invalid_rule',
  ChannelNotFound = 'channel_not_found',
  InvalidChannel = 'invalid_channel',
}

const STATUS: Record<AlertsExceptionCode, HttpStatus> = {
  [AlertsExceptionCode.AlertNotFound]: HttpStatus.NOT_FOUND,
  [AlertsExceptionCode.InvalidTransition]: HttpStatus.CONFLICT,
  [AlertsExceptionCode.RuleNotFound]: HttpStatus.NOT_FOUND,
  [AlertsExceptionCode.InvalidRule]: HttpStatus.BAD_REQUEST,
  [AlertsExceptionCode.ChannelNotFound]: HttpStatus.NOT_FOUND,
  [AlertsExceptionCode.InvalidChannel]: HttpStatus.BAD_REQUEST,
};

/** A refused alerting API request: its status, a code, what was wrong and where. */
export class AlertsException extends ApiException<AlertsExceptionCode> {
  constructor(
    code: AlertsExceptionCode,
    message: string,
    problems: readonly { path: string; message: string }[] = [],
  ) {
    super(STATUS[code], code, message, problems);
  }
}
