import { HttpStatus } from '@nestjs/common';
import { CodedApiException } from '@tsuzuku/platform-runtime';

export enum SettingsExceptionCode {
  InvalidSettings = 'invalid_settings',
}

/** Refused workspace settings: every problem with its field path. */
export class SettingsException extends CodedApiException<SettingsExceptionCode>({
  [SettingsExceptionCode.InvalidSettings]: HttpStatus.BAD_REQUEST,
}) {}
