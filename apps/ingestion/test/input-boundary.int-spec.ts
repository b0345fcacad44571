import { describeInputBoundaryFuzz } from '@tsuzuku/platform-testing';
import { ingestionService } from '../src/service';

describeInputBoundaryFuzz(ingestionService, {
  env: { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000' },
  // The admin API takes the admin token, the Segment API the write key, whoami the API token.
  authFor: (path, workspace, adminToken) =>
    path.startsWith('/admin')
      ? { authorization: `Bearer ${adminToken}` }
      : path.startsWith('/v1/auth')
        ? { authorization: `Bearer ${workspace.token}` }
        : { authorization: `Basic ${Buffer.from(`${workspace.writeKey}:`).toString('base64')}` },
  // The Segment API's documented answer when Kafka is slow to acknowledge (or a concurrent request
  // with the same messageId still waits for it): an outage answer, not one to the input.
  allowed: (status, answer) => status === 503 && answer.includes('"error":"kafka_unavailable"'),
});
