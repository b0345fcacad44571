import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule, getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { ServiceDatabase, migrate, serviceDataSourceOptions } from './service-data-source';
import { BackgroundJobs, LeaseStore } from './background';

export const SERVICE_DATABASE = Symbol('SERVICE_DATABASE');

@Module({})
export class DatabaseModule {
  /** The service's data source over its own schema; migrates at boot when DB_MIGRATE is true. */
  static forService(service: string, database: ServiceDatabase): DynamicModule {
    const logger = new Logger('Database');
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) => ({
            ...serviceDataSourceOptions(config, database, `tsuzuku-${service}`),
            retryAttempts: 3,
            retryDelay: 1000,
            migrate: config.DB_MIGRATE,
          }),
          dataSourceFactory: async (options) => {
            const { migrate: shouldMigrate, ...dataSourceOptions } = options as typeof options & {
              migrate: boolean;
            };
            const dataSource = new DataSource(dataSourceOptions as typeof options & object);
            if (shouldMigrate) {
              const applied = await migrate(
                dataSource,
                String((dataSourceOptions as { url: string }).url),
                database.schema,
              );
              if (applied.length > 0)
                logger.log(`applied migrations to schema ${database.schema}: ${applied.join(', ')}`);
            } else {
              await dataSource.initialize();
            }
            return dataSource;
          },
        }),
      ],
      providers: [
        { provide: SERVICE_DATABASE, useValue: database },
        {
          // The service's background loops, leased in <schema>.leases when once per cluster.
          provide: BackgroundJobs,
          inject: [getDataSourceToken()],
          useFactory: (dataSource: DataSource) =>
            new BackgroundJobs(new LeaseStore(dataSource, database.schema)),
        },
      ],
      exports: [SERVICE_DATABASE, BackgroundJobs],
    };
  }
}
