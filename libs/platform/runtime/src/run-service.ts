import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { BootLoggerService, createBootLogger } from '@tsuzuku/platform-logging';
import { ConfigError, ServiceConfig, loadConfig, trustProxyOption } from '@tsuzuku/platform-config';
import { startMetrics } from '@tsuzuku/platform-telemetry';
import { InputBoundaryFilter, installInputBoundary } from './input-boundary';
import { installHttpMetrics } from './http-metrics';

export interface ServiceDefinition<C extends ServiceConfig> {
  /** Service name, e.g. health-scoring. */
  readonly name: string;
  readonly description: string;
  readonly configClass: new () => C;
  readonly module: (config: C) => DynamicModule;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit?: (config: C) => number;
  /** False leaves body parsing to Fastify's own JSON parser and to configureApp. */
  readonly nestBodyParser?: boolean;
  /** Set-up before the routes are registered: CORS, Fastify hooks, content parsers. */
  readonly configureApp?: (app: NestFastifyApplication, config: C) => void;
}

/** Creates the Nest application of a service on Fastify, with its OpenAPI document at /docs and its metrics at /metrics. */
export async function createServiceApp<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
  config: C,
  bootLogger = createBootLogger(definition.name),
): Promise<NestFastifyApplication> {
  // Before the modules: their providers create their instruments on this service's meter.
  startMetrics(definition.name);
  const app = await NestFactory.create<NestFastifyApplication>(
    definition.module(config),
    new FastifyAdapter({
      bodyLimit: definition.bodyLimit?.(config) ?? 1024 * 1024,
      trustProxy: trustProxyOption(config.TRUST_PROXY),
    }),
    {
      bufferLogs: true,
      bodyParser: definition.nestBodyParser ?? true,
      // Until pino from the logging module takes over, and for a failure before it does: JSON lines.
      logger: new BootLoggerService(bootLogger),
      // A failure while creating the application is thrown to runService (logged, exit 1), not abort().
      abortOnError: false,
    },
  );
  app.useLogger(app.get(Logger));
  installInputBoundary(app.getHttpAdapter().getInstance());
  installHttpMetrics(app.getHttpAdapter().getInstance());
  app.useGlobalFilters(new InputBoundaryFilter(app.getHttpAdapter()));
  definition.configureApp?.(app, config);
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`Tsuzuku ${definition.name}`)
      .setDescription(definition.description)
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}

/**
 * Boots a service: validates its configuration (a bad variable stops it with one line naming
 * it), starts it, and on SIGTERM stops consuming, finishes in-flight work and closes pools.
 */
export async function runService<C extends ServiceConfig>(
  definition: ServiceDefinition<C>,
): Promise<INestApplication | undefined> {
  const bootLogger = createBootLogger(definition.name);
  let config: C;
  try {
    config = loadConfig(definition.configClass);
  } catch (error) {
    if (error instanceof ConfigError) {
      bootLogger.fatal(`${definition.name}: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  let shuttingDown = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      if (shuttingDown) return;
      shuttingDown = true;
      // Nest's shutdown hooks do the orderly part; this bounds how long it may take.
      setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
    });
  }
  try {
    const app = await createServiceApp(definition, config, bootLogger);
    await app.listen(config.PORT, config.HOST);
    // A service's other transports (reporting's gRPC), connected by configureApp.
    await app.startAllMicroservices();
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    app
      .get(Logger)
      .log(`${definition.name} listening on http://${config.HOST}:${port} (docs at /docs)`, 'Bootstrap');
    return app;
  } catch (error) {
    // The boot logger scrubs what it writes (a connection URL may be in the message).
    bootLogger.fatal({ err: error }, `${definition.name}: failed to start: ${(error as Error).message}`);
    process.exit(1);
  }
}
