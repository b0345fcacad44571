import { DynamicModule, Type } from '@nestjs/common';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { ServiceDatabase } from '@tsuzuku/platform-database';
import { PlatformModule } from './platform.module';

type FeatureModule = NonNullable<DynamicModule['imports']>[number];

/** A service's root module: the platform wired for the service, then its feature modules in order. */
export function serviceRootModule(
  root: Type,
  service: string,
  config: ServiceConfig,
  database: ServiceDatabase,
  features: readonly FeatureModule[],
): DynamicModule {
  return { module: root, imports: [PlatformModule.forService(service, config, database), ...features] };
}
