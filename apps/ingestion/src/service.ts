import { AuthFailureLimiter } from '@tsuzuku/platform-auth';
import { ServiceDefinition } from '@tsuzuku/platform-runtime';
import { IngestionConfig } from './config/ingestion.config';
import { AppModule } from './app.module';
import { acceptGzipBodies } from './collect/gzip-bodies';
import { adminTokenHook } from './workspaces/admin-token.hook';

/** The ingestion service: what main.ts runs and what the tests boot. */
export const ingestionService: ServiceDefinition<IngestionConfig> = {
  name: 'ingestion',
  description:
    'Segment-compatible event API: validates customer events and publishes them to Kafka. ' +
    'Write keys authenticate as the HTTP Basic user; the admin API takes TSUZUKU_ADMIN_TOKEN as a bearer token.',
  configClass: IngestionConfig,
  module: (config) => AppModule.register(config),
  bodyLimit: (config) => config.MAX_REQUEST_BYTES,
  // Fastify parses the JSON bodies itself; acceptGzipBodies adds the SDKs' other labels.
  nestBodyParser: false,
  configureApp: (app, config) => {
    // Browser SDKs post from the customer's pages.
    app.enableCors({
      origin: true,
      methods: ['POST', 'OPTIONS'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Content-Encoding'],
      maxAge: 86400,
    });
    const fastify = app.getHttpAdapter().getInstance();
    // onRequest runs before any body is read: a request without the admin token reads none.
    fastify.addHook('onRequest', adminTokenHook(config.TSUZUKU_ADMIN_TOKEN, app.get(AuthFailureLimiter)));
    acceptGzipBodies(fastify);
  },
};
