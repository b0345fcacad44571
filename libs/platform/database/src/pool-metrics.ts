import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Attributes, BatchObservableResult, Observable } from '@opentelemetry/api';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { serviceMeter } from '@tsuzuku/platform-telemetry';

/** What pg-pool tells of itself (its counters are public properties). */
type PgPool = Pool & { options?: { max?: number } };

/**
 * The service's connection pool under the semantic conventions' db.client.connection.* names:
 * connections idle and in use, the pool's limit, and requests waiting for a connection. Read
 * when /metrics is scraped; nothing while the data source is not connected.
 */
@Injectable()
export class DatabasePoolMetrics implements OnApplicationShutdown {
  private readonly instruments: Observable[];
  private readonly idle: Attributes;
  private readonly used: Attributes;
  private readonly pool: Attributes;
  private readonly callback = (result: BatchObservableResult) => this.observe(result);

  constructor(
    private readonly dataSource: DataSource,
    poolName: string,
  ) {
    const meter = serviceMeter();
    this.pool = { 'db.client.connection.pool.name': poolName };
    this.idle = { ...this.pool, 'db.client.connection.state': 'idle' };
    this.used = { ...this.pool, 'db.client.connection.state': 'used' };
    this.instruments = [
      meter.createObservableUpDownCounter('db.client.connection.count', {
        unit: '{connection}',
        description: 'Connections of the pool, by state (idle or used)',
      }),
      meter.createObservableUpDownCounter('db.client.connection.max', {
        unit: '{connection}',
        description: 'The most connections the pool opens (DATABASE_POOL_SIZE)',
      }),
      meter.createObservableUpDownCounter('db.client.connection.pending_requests', {
        unit: '{request}',
        description: 'Requests waiting for a connection of the pool',
      }),
    ];
    meter.addBatchObservableCallback(this.callback, this.instruments);
  }

  private observe(result: BatchObservableResult): void {
    if (!this.dataSource.isInitialized) return;
    const pool = (this.dataSource.driver as unknown as { master?: PgPool }).master;
    if (!pool) return;
    const [count, max, pending] = this.instruments as [Observable, Observable, Observable];
    result.observe(count, pool.idleCount, this.idle);
    result.observe(count, pool.totalCount - pool.idleCount, this.used);
    if (pool.options?.max !== undefined) result.observe(max, pool.options.max, this.pool);
    result.observe(pending, pool.waitingCount, this.pool);
  }

  onApplicationShutdown(): void {
    serviceMeter().removeBatchObservableCallback(this.callback, this.instruments);
  }
}
