#!/usr/bin/env node
// Gathers what one service needs at run time into an output folder, for the runtime stage of
// deploy/Dockerfile: the compiled JavaScript of the service and of the workspace libraries it
// depends on (test files left out), and only the npm packages its code requires, with their
// dependencies as package-lock.json resolves them.
//
//   node deploy/prune.mjs <service> <out-dir>      after `npm ci` and the service's build
//   node deploy/prune.mjs <service> --list         prints the packages it would copy
//
// The monorepo declares its npm dependencies once, in the root package.json; `npm prune
// --omit=dev` would keep all of them (411 packages) in every image. This walks the requires
// of the service's own dist/ instead, so ingestion does not carry gRPC nor reporting nodemailer.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILTINS = new Set(builtinModules);
/** Compiled tests and test helpers: never in an image. */
const TEST_FILE = /\.(int-)?spec\.js$|\.chaos-spec\.js$/;
/** Files Node never loads at run time: type declarations and source maps (half the bytes). */
const NOT_RUNTIME = /\.d\.[cm]?ts$|\.map$|\.tsbuildinfo$/;

const readJson = (file) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));

/** Workspace folders by package name (@tsuzuku/...), from the lock file's links. */
function workspaces(lock) {
  const byName = new Map();
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (entry.link && location.startsWith('node_modules/')) {
      byName.set(location.slice('node_modules/'.length), entry.resolved);
    }
  }
  return byName;
}

/** The workspaces a service needs: its own folder and its @tsuzuku dependencies, transitively. */
function workspaceClosure(service, byName) {
  const folders = [];
  const pending = [`apps/${service}`];
  while (pending.length > 0) {
    const folder = pending.pop();
    if (folders.includes(folder)) continue;
    folders.push(folder);
    const manifest = readJson(`${folder}/package.json`);
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      const linked = byName.get(name);
      if (linked) pending.push(linked);
    }
  }
  return folders.sort();
}

function* jsFiles(folder) {
  if (!existsSync(folder)) return;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* jsFiles(full);
    else if (entry.name.endsWith('.js') && !TEST_FILE.test(entry.name)) yield full;
  }
}

/** The package name of a bare specifier: `@scope/name/sub` → `@scope/name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** npm packages required by the compiled code of the given workspaces. */
function requiredPackages(folders, byName) {
  const names = new Set();
  for (const folder of folders) {
    const dist = path.join(ROOT, folder, 'dist');
    if (!existsSync(dist)) throw new Error(`${folder}/dist is missing: build the service first`);
    for (const file of jsFiles(dist)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\brequire\(\s*["']([^"'./][^"']*)["']\s*\)/g)) {
        const specifier = match[1].replace(/^node:/, '');
        if (BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]) || match[1].startsWith('node:'))
          continue;
        const name = packageName(specifier);
        if (!byName.has(name)) names.add(name);
      }
    }
  }
  return [...names].sort();
}

/** Where node would find `name` from the package installed at `from` (a lock file location). */
function resolveInLock(packages, from, name) {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

/** Lock file locations of the packages and everything they depend on at run time. */
function packageClosure(lock, roots) {
  const { packages } = lock;
  const rootManifest = readJson('package.json');
  const production = new Set(Object.keys(rootManifest.dependencies ?? {}));
  const locations = new Set();
  const pending = roots.map((name) => {
    if (!production.has(name)) {
      throw new Error(`the compiled code requires ${name}, which is not a dependency in package.json`);
    }
    return ['', name, false];
  });
  while (pending.length > 0) {
    const [from, name, optional] = pending.pop();
    const location = resolveInLock(packages, from, name);
    if (!location) {
      if (optional) continue;
      throw new Error(`${name} (needed by ${from || 'the service'}) is not in package-lock.json`);
    }
    // Type declarations only (@types/*): nothing to load at run time.
    if (locations.has(location) || name.startsWith('@types/')) continue;
    const entry = packages[location];
    // An optional package for another platform is in the lock but was not installed here.
    if (!existsSync(path.join(ROOT, location))) {
      if (optional || entry.optional) continue;
      throw new Error(`${location} is in package-lock.json but not installed: run npm ci first`);
    }
    locations.add(location);
    for (const dependency of Object.keys(entry.dependencies ?? {}))
      pending.push([location, dependency, false]);
    for (const dependency of Object.keys(entry.optionalDependencies ?? {}))
      pending.push([location, dependency, true]);
    // Required peers: npm installs them next to the package. An optional peer (a driver, an
    // adapter the package loads by name, e.g. @fastify/static for Nest's Fastify adapter) is
    // kept when package.json lists it as a production dependency: that is why it is there.
    for (const dependency of Object.keys(entry.peerDependencies ?? {})) {
      const optionalPeer = entry.peerDependenciesMeta?.[dependency]?.optional === true;
      if (!optionalPeer || production.has(dependency)) pending.push([location, dependency, true]);
    }
  }
  return [...locations].sort();
}

function plan(service) {
  const lock = readJson('package-lock.json');
  const byName = workspaces(lock);
  if (!existsSync(path.join(ROOT, 'apps', service, 'package.json')))
    throw new Error(`no service apps/${service}`);
  const folders = workspaceClosure(service, byName);
  const roots = requiredPackages(folders, byName);
  return { byName, folders, roots, locations: packageClosure(lock, roots) };
}

function copyOut(service, out) {
  const { byName, folders, locations } = plan(service);
  mkdirSync(out, { recursive: true });
  cpSync(path.join(ROOT, 'package.json'), path.join(out, 'package.json'));
  for (const folder of folders) {
    mkdirSync(path.join(out, folder), { recursive: true });
    cpSync(path.join(ROOT, folder, 'package.json'), path.join(out, folder, 'package.json'));
    // dist/ and the assets read at run time (libs/contracts/proto): every folder but the sources.
    for (const entry of readdirSync(path.join(ROOT, folder), { withFileTypes: true })) {
      if (!entry.isDirectory() || ['src', 'test', 'node_modules', 'coverage'].includes(entry.name)) continue;
      cpSync(path.join(ROOT, folder, entry.name), path.join(out, folder, entry.name), {
        recursive: true,
        filter: (source) => !TEST_FILE.test(source) && !NOT_RUNTIME.test(source),
      });
    }
  }
  for (const location of locations) {
    // Each location is copied without its nested node_modules: those it needs are locations too.
    const source = path.join(ROOT, location);
    cpSync(source, path.join(out, location), {
      recursive: true,
      filter: (file) =>
        file === source ||
        (!NOT_RUNTIME.test(file) && !path.relative(source, file).split(path.sep).includes('node_modules')),
    });
  }
  // The workspace packages, linked as npm links them.
  for (const [name, folder] of byName) {
    if (!folders.includes(folder)) continue;
    const link = path.join(out, 'node_modules', name);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.relative(path.dirname(link), path.join(out, folder)), link);
  }
  writeFileSync(
    path.join(out, 'node_modules', '.tsuzuku-packages.txt'),
    `${locations.map((l) => l.slice('node_modules/'.length)).join('\n')}\n`,
  );
  console.log(`${service}: ${folders.length} workspaces, ${locations.length} npm packages copied to ${out}`);
}

const [service, target] = process.argv.slice(2);
if (!service || !target) {
  console.error('usage: node deploy/prune.mjs <service> <out-dir> | --list');
  process.exit(2);
}
try {
  if (target === '--list') {
    const { folders, roots, locations } = plan(service);
    console.log(
      JSON.stringify({ service, workspaces: folders, requires: roots, packages: locations }, null, 2),
    );
  } else {
    copyOut(service, path.resolve(target));
  }
} catch (error) {
  console.error(`prune: ${error.message}`);
  process.exit(1);
}
