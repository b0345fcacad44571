import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const PROTO = path.resolve(__dirname, '..', '..', '..', 'libs', 'contracts', 'proto', 'reporting.v1.proto');

/** A unary call of reporting's gRPC service: the method's name, its request and, unless given, the token's metadata. */
export type ReportingCall = <T>(method: string, request: object, metadata?: grpc.Metadata) => Promise<T>;

/** A client of reporting's gRPC service on 127.0.0.1:`port` that sends `token` as a bearer token. */
export function reportingGrpcClient(port: number, token: string): { call: ReportingCall; close(): void } {
  const loaded = grpc.loadPackageDefinition(
    protoLoader.loadSync(PROTO, { keepCase: false, longs: Number, defaults: true, oneofs: true }),
  ) as unknown as { tsuzuku: { reporting: { v1: { ReportingService: grpc.ServiceClientConstructor } } } };
  const client = new loaded.tsuzuku.reporting.v1.ReportingService(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  const withToken = new grpc.Metadata();
  withToken.set('authorization', `Bearer ${token}`);
  const call: ReportingCall = <T>(method: string, request: object, metadata = withToken) =>
    new Promise<T>((resolve, reject) =>
      (
        client[method] as (
          r: object,
          m: grpc.Metadata,
          cb: (e: grpc.ServiceError | null, v: T) => void,
        ) => void
      )(request, metadata, (error, value) => (error ? reject(error) : resolve(value))),
    );
  return { call, close: () => client.close() };
}
