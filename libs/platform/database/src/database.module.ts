import { DynamicModule, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { DatabaseStatus } from './database-status';
import { ServiceDatabase, serviceDataSourceOptions } from './service-data-source';
import { BackgroundJobs, LeaseStore } from './background';
import { DatabasePoolMetrics } from './pool-metrics';

export const SERVICE_DATABASE = Symbol('SERVICE_DATABASE');

@Module({})
export class DatabaseModule {
  /**
   * The service's data source over its own schema. It is not connected here: start-up must not
   * fail when Postgres is late, so the runtime connects it (and migrates when DB_MIGRATE) in the
   * background, through DatabaseStatus, while the HTTP server already answers probes.
   */
  static forService(service: string, database: ServiceDatabase): DynamicModule {
    const logger = new Logger('Database');
    let status: DatabaseStatus | undefined;
    const onConnectionError = (error: Error) => {
      if (status) status.lost(error);
      else logger.warn(`database connection error: ${error.message}`);
    };
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [ServiceConfig],
          useFactory: (config: ServiceConfig) => ({
            ...serviceDataSourceOptions(config, database, `tsuzuku-${service}`, onConnectionError),
            manualInitialization: true,
          }),
        }),
      ],
      providers: [
        { provide: SERVICE_DATABASE, useValue: database },
        {
          provide: DatabaseStatus,
          inject: [DataSource, ServiceConfig],
          useFactory: (dataSource: DataSource, config: ServiceConfig) =>
            (status = new DatabaseStatus(dataSource, config, database)),
        },
        {
          // The service's background loops, leased in <schema>.leases when once per cluster; they
          // start once the database is connected and migrated.
          provide: BackgroundJobs,
          inject: [DataSource, DatabaseStatus],
          useFactory: (dataSource: DataSource, databaseStatus: DatabaseStatus) =>
            new BackgroundJobs(new LeaseStore(dataSource, database.schema), {
              ready: databaseStatus.whenStarted(),
            }),
        },
        {
          provide: DatabasePoolMetrics,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) => new DatabasePoolMetrics(dataSource, `tsuzuku-${service}`),
        },
      ],
      exports: [SERVICE_DATABASE, DatabaseStatus, BackgroundJobs],
    };
  }
}
