import { Global, Module } from '@nestjs/common';
import { ServiceConfig } from '@tsuzuku/platform-config';
import { OutboundHttpClient } from './outbound-http.client';

/** The one outbound HTTP client of a service, with its allow-list from TSUZUKU_OUTBOUND_ALLOW. */
@Global()
@Module({
  providers: [
    {
      provide: OutboundHttpClient,
      useFactory: (config: ServiceConfig) => new OutboundHttpClient({ allow: config.TSUZUKU_OUTBOUND_ALLOW }),
      inject: [ServiceConfig],
    },
  ],
  exports: [OutboundHttpClient],
})
export class OutboundModule {}
