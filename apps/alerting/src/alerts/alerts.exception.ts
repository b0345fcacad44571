import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

/** A refused alerting API request: its status, a code, what was wrong and where. */
export class AlertsException extends CodedApiException({
  alert_not_found: HttpStatus.NOT_FOUND,
  invalid_transition: HttpStatus.CONFLICT,
  rule_not_found: HttpStatus.NOT_FOUND,
  invalid_rule: HttpStatus.BAD_REQUEST,
  channel_not_found: HttpStatus.NOT_FOUND,
  invalid_channel: HttpStatus.BAD_REQUEST,
}) {}

/** The codes of AlertsException. */
export type AlertsExceptionCode = AlertsException['code'];
