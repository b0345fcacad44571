import { Module } from '@nestjs/common';
import { CurrencySettingsStore } from './currency-settings.store';

@Module({ providers: [CurrencySettingsStore], exports: [CurrencySettingsStore] })
export class SettingsStoreModule {}
