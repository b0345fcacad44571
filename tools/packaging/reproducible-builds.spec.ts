// Reproducible builds: package-lock.json holds every platform's optional packages (so that
// `npm ci` accepts it on any machine), CI and the Dockerfile install with `npm ci`, and each image
// gets only the packages its service's code requires (deploy/prune.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

interface LockEntry {
  version?: string;
  link?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as LockEntry & {
  workspaces: string[];
};
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
};

/** Where node would find `name` from the package at `from`, walking up the node_modules folders. */
function resolve(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

describe('reproducible builds', () => {
  it('locks what package.json declares (npm ci refuses a lock that disagrees)', () => {
    expect(lock.lockfileVersion).toBe(3);
    const root = lock.packages[''];
    expect(root.dependencies).toEqual(manifest.dependencies);
    expect(root.devDependencies).toEqual(manifest.devDependencies);
  });

  it("holds every optional dependency of every package, other platforms' binaries included", () => {
    const edges = Object.entries(lock.packages).flatMap(([location, entry]) =>
      Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ location, name })),
    );
    expect(edges.length).toBeGreaterThan(0);
    const missing = edges.filter(({ location, name }) => resolve(location, name) === undefined);
    expect(missing).toEqual([]);
    // The platforms a developer or a CI runner may use, for the native packages we build with.
    const platforms = (prefix: string) =>
      Object.entries(lock.packages)
        .filter(([location]) => location.startsWith(`node_modules/${prefix}`))
        .map(([, entry]) => `${entry.os?.[0]}-${entry.cpu?.[0]}`);
    for (const prefix of ['@swc/core-', '@nx/nx-']) {
      expect(platforms(prefix)).toEqual(
        expect.arrayContaining(['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64']),
      );
    }
  });

  it('installs with npm ci in CI and in the image, never npm install', () => {
    const ci = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
    const dockerfile = readFileSync(path.join(ROOT, 'deploy/Dockerfile'), 'utf8');
    for (const text of [ci, dockerfile]) {
      const commands = text.split('\n').filter((line) => !line.trim().startsWith('#'));
      expect(commands.join('\n')).toMatch(/\bnpm ci\b/);
      expect(commands.join('\n')).not.toMatch(/\bnpm (install|i)\b/);
    }
  });

  describe('deploy/prune.mjs', () => {
    function plan(service: string): { requires: string[]; packages: string[]; workspaces: string[] } {
      const result = spawnSync(process.execPath, [path.join(ROOT, 'deploy/prune.mjs'), service, '--list'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`prune ${service}: ${result.stderr}`);
      return JSON.parse(result.stdout) as { requires: string[]; packages: string[]; workspaces: string[] };
    }

    it('needs the services built (npm test builds before the unit tests)', () => {
      expect(existsSync(path.join(ROOT, 'apps/ingestion/dist/main.js'))).toBe(true);
    });

    it("keeps a service's own requires and leaves out the others' and the dev tools", () => {
      const ingestion = plan('ingestion');
      const reporting = plan('reporting');
      expect(ingestion.requires).toEqual(expect.arrayContaining(['kafkajs', 'pg', '@nestjs/core']));
      expect(ingestion.requires).not.toContain('nodemailer');
      expect(ingestion.requires).not.toContain('@grpc/reflection');
      expect(reporting.requires).toEqual(expect.arrayContaining(['@grpc/grpc-js', '@grpc/reflection']));
      const production = Object.keys(manifest.dependencies ?? {});
      for (const name of [...ingestion.requires, ...reporting.requires]) expect(production).toContain(name);
      for (const location of ingestion.packages) {
        expect(lock.packages[location]).toBeDefined();
        expect(location).not.toMatch(/node_modules\/(jest|typescript|eslint|@swc\/core|nx|@types\/)/);
      }
      expect(ingestion.workspaces).not.toContain('libs/platform/testing');
      expect(ingestion.workspaces).toContain('apps/ingestion');
      expect(ingestion.workspaces).not.toContain('apps/reporting');
    });

    it('keeps the optional peers the project declares (Nest loads @fastify/static by name)', () => {
      expect(plan('ingestion').packages).toContain('node_modules/@fastify/static');
    });
  });
});
