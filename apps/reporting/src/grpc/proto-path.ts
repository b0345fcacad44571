import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const REPORTING_PROTO = 'reporting.v1.proto';

/**
 * Where libs/contracts/proto/reporting.v1.proto is: through the @tsuzuku/contracts workspace
 * package (the repository and the image, which copies libs/contracts/proto), else relative to
 * this file in the repository (src or dist).
 */
export function reportingProtoPath(): string {
  const candidates: string[] = [];
  try {
    candidates.push(
      path.join(path.dirname(require.resolve('@tsuzuku/contracts/package.json')), 'proto', REPORTING_PROTO),
    );
  } catch {
    // not resolvable (e.g. under a test runner's module mapping): the relative path below
  }
  candidates.push(
    path.resolve(__dirname, '..', '..', '..', '..', 'libs', 'contracts', 'proto', REPORTING_PROTO),
  );
  const found = candidates.find((file) => existsSync(file));
  if (!found) throw new Error(`${REPORTING_PROTO} not found; looked at ${candidates.join(', ')}`);
  return found;
}
