import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import fc from 'fast-check';
import {
  FORGED_CURSORS,
  HOSTILE_DATES,
  HOSTILE_NUMBERS,
  HOSTILE_STRINGS,
  describeInputBoundaryFuzz,
} from '@tsuzuku/platform-testing';
import { formatMonth, monthOf } from '../src/kpis/domain/month';
import { reportingProtoPath } from '../src/grpc/proto-path';
import { ReportingGrpcServer } from '../src/grpc/reporting.grpc.server';
import { reportingService } from '../src/service';

type Unary = (
  request: Record<string, unknown>,
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null) => void,
) => void;

/** The answers a gRPC request may get: anything but a server fault. */
const SERVER_FAULTS = new Set([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.DATA_LOSS]);

describeInputBoundaryFuzz(reportingService, {
  env: { GRPC_PORT: '0' },
  more: ({ service, workspace, settings }) => {
    it('answers every generated and hostile gRPC request without a server fault', async () => {
      const definition = protoLoader.loadSync(reportingProtoPath(), {
        keepCase: false,
        longs: String,
        defaults: false,
      });
      const loaded = grpc.loadPackageDefinition(definition) as unknown as {
        tsuzuku: { reporting: { v1: { ReportingService: grpc.ServiceClientConstructor } } };
      };
      const port = service().app.get(ReportingGrpcServer).port!;
      const client = new loaded.tsuzuku.reporting.v1.ReportingService(
        `127.0.0.1:${port}`,
        grpc.credentials.createInsecure(),
      ) as unknown as Record<'getKpis' | 'getMrrMovements', Unary> & { close(): void };
      const metadata = new grpc.Metadata();
      metadata.set('authorization', `Bearer ${workspace().token}`);
      const call = (method: 'getKpis' | 'getMrrMovements', request: Record<string, unknown>) =>
        new Promise<grpc.status>((resolve) =>
          client[method](request, metadata, (error) => resolve(error ? error.code : grpc.status.OK)),
        );

      const current = monthOf(Date.now());
      const month = fc.integer({ min: current - 24, max: current }).map(formatMonth);
      const text = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...HOSTILE_STRINGS));
      const hostile = {
        from: [...HOSTILE_DATES, ...HOSTILE_STRINGS],
        to: [...HOSTILE_DATES, ...HOSTILE_STRINGS],
        segment: HOSTILE_STRINGS,
        owner: HOSTILE_STRINGS,
        accountId: HOSTILE_STRINGS,
        cursor: [...FORGED_CURSORS, ...HOSTILE_STRINGS],
        limit: HOSTILE_NUMBERS.filter((n): n is number => typeof n === 'number' && Math.abs(n) < 2 ** 31),
      } as const;
      const base = { from: formatMonth(current - 2), to: formatMonth(current) };
      // The sweep: each field of each method in turn takes each hostile value.
      const sweep: ['getKpis' | 'getMrrMovements', Record<string, unknown>][] = [];
      for (const [field, values] of Object.entries(hostile))
        for (const value of values as readonly unknown[])
          sweep.push([
            ['from', 'to', 'segment', 'owner'].includes(field) ? 'getKpis' : 'getMrrMovements',
            { ...base, [field]: value },
          ]);
      const generated = fc.sample(
        fc.tuple(
          fc.constantFrom<'getKpis' | 'getMrrMovements'>('getKpis', 'getMrrMovements'),
          fc.record(
            {
              from: fc.oneof(month, fc.constantFrom(...hostile.from)),
              to: fc.oneof(month, fc.constantFrom(...hostile.to)),
              segment: text,
              owner: text,
              touchModel: fc.constantFrom('high', 'low', 'tech', 'none', '\u0000'),
              phase: fc.constantFrom('onboarding', 'renewal', 'x'),
              accountId: text,
              detail: fc.boolean(),
              limit: fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.constantFrom(...hostile.limit)),
              cursor: fc.constantFrom(...hostile.cursor),
            },
            { requiredKeys: ['from', 'to'] },
          ),
        ),
        { numRuns: settings.runs * 4, seed: settings.seed },
      );
      const codes: Record<string, number> = {};
      const faults: unknown[] = [];
      for (const [method, request] of [...sweep, ...generated]) {
        const code = await call(method, request);
        codes[grpc.status[code]] = (codes[grpc.status[code]] ?? 0) + 1;
        if (SERVER_FAULTS.has(code)) faults.push({ method, request, code: grpc.status[code] });
      }
      client.close();
      process.stdout.write(
        `[fuzz] reporting gRPC: seed ${settings.seed}, ${sweep.length + generated.length} requests: ${Object.entries(
          codes,
        )
          .map(([code, count]) => `${code}×${count}`)
          .join(' ')}\n`,
      );
      expect(faults).toEqual([]);
      expect(codes['INVALID_ARGUMENT'] ?? 0).toBeGreaterThan(0);
      expect(codes['OK'] ?? 0).toBeGreaterThan(0);
    }, 120_000);
  },
});
