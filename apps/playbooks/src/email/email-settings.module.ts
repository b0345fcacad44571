import { Module } from '@nestjs/common';
import { EmailSettingsController } from './email-settings.controller';
import { EmailSettingsRepository } from './email-settings.repository';
import { EmailSettingsService } from './email-settings.service';

/** Each workspace's SMTP server: the API, and the repository the engine's email steps read. */
@Module({
  providers: [EmailSettingsRepository, EmailSettingsService],
  controllers: [EmailSettingsController],
  exports: [EmailSettingsRepository],
})
export class EmailSettingsModule {}
