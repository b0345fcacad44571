import { HttpException, HttpStatus } from '@nestjs/common';
import type { SettingsProblem } from './domain/workspace-settings';

export enum SettingsExceptionCode {
  InvalidSettings = 'invalid_settings',
}

/** Refused workspace settings: every problem with its field path. */
export class SettingsException extends HttpException {
  constructor(
    readonly code: SettingsExceptionCode,
    message: string,
    readonly problems: readonly SettingsProblem[] = [],
  ) {
    super(
      {
        statusCode: HttpStatus.BAD_REQUEST,
        error: code,
        message,
        ...(problems.length > 0 ? { errors: problems } : {}),
      },
      HttpStatus.BAD_REQUEST,
    );
  }
}
