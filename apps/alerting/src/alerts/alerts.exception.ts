import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

export enum AlertsExceptionCode {
  AlertNotFound = 'alert_not_found',
  InvalidTransition = 'invalid_transition',
  RuleNotFound = 'rule_not_found',
  InvalidRule = 'invalid_rule',
  ChannelNotFound = 'channel_not_found',
  InvalidChannel = 'invalid_channel',
}

/** A refused alerting API request: its status, a code, what was wrong and where. */
export class AlertsException extends CodedApiException<AlertsExceptionCode>({
  [AlertsExceptionCode.AlertNotFound]: HttpStatus.NOT_FOUND,
  [AlertsExceptionCode.InvalidTransition]: HttpStatus.CONFLICT,
  [AlertsExceptionCode.RuleNotFound]: HttpStatus.NOT_FOUND,
  [AlertsExceptionCode.InvalidRule]: HttpStatus.BAD_REQUEST,
  [AlertsExceptionCode.ChannelNotFound]: HttpStatus.NOT_FOUND,
  [AlertsExceptionCode.InvalidChannel]: HttpStatus.BAD_REQUEST,
}) {}
