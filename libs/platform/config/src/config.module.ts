import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceConfig } from './service-config';

/**
 * Makes the service's validated configuration injectable, both as its own class and as
 * ServiceConfig for the platform modules.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot<T extends ServiceConfig>(config: T): DynamicModule {
    const providers = [
      { provide: config.constructor, useValue: config },
      { provide: ServiceConfig, useValue: config },
    ];
    return { module: ConfigModule, providers, exports: providers.map((p) => p.provide) };
  }
}
