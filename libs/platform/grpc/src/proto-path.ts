import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const HEALTH_PROTO = 'grpc-health-v1.proto';

/**
 * Where a file of libs/contracts/proto is: through the @tsuzuku/contracts workspace package (the
 * repository and the image, which copies libs/contracts/proto), else relative to this file in the
 * repository (src or dist).
 */
export function contractsProtoPath(file: string): string {
  const candidates: string[] = [];
  try {
    candidates.push(
      path.join(path.dirname(require.resolve('@tsuzuku/contracts/package.json')), 'proto', file),
    );
  } catch {
    // not resolvable (e.g. under a test runner's module mapping): the relative path below
  }
  candidates.push(path.resolve(__dirname, '..', '..', '..', '..', 'libs', 'contracts', 'proto', file));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`${file} not found; looked at ${candidates.join(', ')}`);
  return found;
}
