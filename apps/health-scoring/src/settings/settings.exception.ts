import { HttpStatus } from '@nestjs/common';
import { ApiException } from '@tsuzuku/platform-runtime';
import type { SettingsProblem } from './domain/workspace-settings';

export enum SettingsExceptionCode {
  InvalidSettings = 'invalid_settings',
}

/** Refused workspace settings: every problem with its field path. */
export class SettingsException extends ApiException<SettingsExceptionCode> {
  constructor(code: SettingsExceptionCode, message: string, problems: readonly SettingsProblem[] = []) {
    super(HttpStatus.BAD_REQUEST, code, message, problems);
  }
}
