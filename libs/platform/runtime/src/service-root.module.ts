import { DynamicModule, Type } from '@nestjs/common';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { ServiceDatabase } from '@tsuzuku/platform-database';
import { KafkaReadiness } from '@tsuzuku/platform-kafka';
import { PlatformModule } from './platform.module';

type FeatureModule = NonNullable<DynamicModule['imports']>[number];

/**
 * A service's root module: the platform wired for the service (`options` as PlatformModule.forService
 * takes them), then its feature modules in order.
 */
export function serviceRootModule(
  root: Type,
  service: string,
  config: ServiceConfig,
  database: ServiceDatabase,
  features: readonly FeatureModule[],
  options: { kafkaReadiness?: KafkaReadiness } = {},
): DynamicModule {
  return {
    module: root,
    imports: [PlatformModule.forService(service, config, database, options), ...features],
  };
}
