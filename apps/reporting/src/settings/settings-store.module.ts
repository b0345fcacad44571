import { Module } from '@nestjs/common';
import { CurrencySettingsRepository } from './currency-settings.repository';
import { CurrencySettingsStore } from './currency-settings.store';

@Module({
  providers: [CurrencySettingsStore, CurrencySettingsRepository],
  exports: [CurrencySettingsStore],
})
export class SettingsStoreModule {}
