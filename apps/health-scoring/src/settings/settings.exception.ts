import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

/** Refused workspace settings: every problem with its field path. */
export class SettingsException extends CodedApiException({
  invalid_settings: HttpStatus.BAD_REQUEST,
}) {}

/** The codes of SettingsException. */
export type SettingsExceptionCode = SettingsException['code'];
