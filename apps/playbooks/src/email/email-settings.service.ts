import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiException } from '@tsuzuku/platform-runtime';
import { EmailSettingsDto, PutEmailSettingsDto } from './dto/email-settings.dto';
import { EmailSettingsRepository, EmailSettingsRow } from './email-settings.repository';

/** No SMTP server is set for the workspace. */
export class EmailSettingsNotFoundException extends ApiException<'email_settings_not_found'> {
  constructor() {
    super(
      HttpStatus.NOT_FOUND,
      'email_settings_not_found',
      'no SMTP server is set for this workspace: PUT /v1/email-settings sets one',
    );
  }
}

/** What the API shows of stored settings: everything but the password. */
export function emailSettingsView(row: EmailSettingsRow): EmailSettingsDto {
  return {
    host: row.host,
    port: row.port,
    secure: row.secure,
    from: row.from,
    username: row.username,
    passwordSet: row.password !== null,
    updatedAt: row.updatedAt,
  };
}

/** Each workspace's SMTP server for email steps; the password is written, never read back. */
@Injectable()
export class EmailSettingsService {
  constructor(private readonly settings: EmailSettingsRepository) {}

  async get(workspaceId: string): Promise<EmailSettingsDto> {
    const row = await this.settings.get(workspaceId);
    if (!row) throw new EmailSettingsNotFoundException();
    return emailSettingsView(row);
  }

  /** Replaces the settings; a password left out keeps the stored one (it cannot be read back to resend). */
  async put(workspaceId: string, body: PutEmailSettingsDto): Promise<EmailSettingsDto> {
    const current = body.password === undefined ? await this.settings.get(workspaceId) : undefined;
    const row = await this.settings.put(workspaceId, {
      host: body.host,
      port: body.port,
      secure: body.secure ?? false,
      from: body.from,
      username: body.username ?? null,
      password: body.password === undefined ? (current?.password ?? null) : body.password,
    });
    return emailSettingsView(row);
  }

  async delete(workspaceId: string): Promise<void> {
    if (!(await this.settings.delete(workspaceId))) throw new EmailSettingsNotFoundException();
  }
}
