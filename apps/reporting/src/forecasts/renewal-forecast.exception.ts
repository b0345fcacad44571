import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

/** A refused renewal-forecast request: its status, a code, what was wrong and where. */
export class RenewalForecastException extends CodedApiException({
  period_not_over: HttpStatus.BAD_REQUEST,
  forecast_not_recorded: HttpStatus.NOT_FOUND,
}) {}

/** The codes of RenewalForecastException. */
export type RenewalForecastExceptionCode = RenewalForecastException['code'];
