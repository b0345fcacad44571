#!/usr/bin/env node
// Builds kustomizations with `kubectl kustomize` and validates every object they render against
// its schema, offline: the Kubernetes built-in kinds with the kubernetes-models package, the
// custom resources of Strimzi, CloudNativePG, KEDA and the Prometheus Operator with the CRD
// schemas vendored in tools/packaging/schemas/crds. A kind with no schema is an error.
// It also validates a Compose file against the Compose specification's schema.
//
//   node tools/packaging/validate-manifests.mjs [--compose docker-compose.yml] <kustomization dir>...
// Prints one JSON document: { builds: { <dir>: { objects, errors } }, compose?: { errors } } and
// exits 1 when anything failed to build or validate.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { parse, parseAllDocuments } from 'yaml';

const require = createRequire(import.meta.url);
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCHEMAS = path.join(HERE, 'schemas');

/** The vendored CRD schema of an apiVersion and kind: crds/<group>/<kind>_<version>.json. */
function crdSchemaFile(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!group) return undefined;
  const file = path.join(SCHEMAS, 'crds', group, `${kind.toLowerCase()}_${version}.json`);
  return existsSync(file) ? file : undefined;
}

// CRD schemas carry x-kubernetes-* keywords and int32/int64 formats: not errors, not checked.
// Their patterns are Go regular expressions, where (?i) makes the match case-insensitive.
function goRegExp(pattern, flags) {
  const insensitive = pattern.includes('(?i)');
  return new RegExp(pattern.replaceAll('(?i)', ''), insensitive ? `${flags}i` : flags);
}
goRegExp.code = 'goRegExp';
const ajv = new Ajv({ allErrors: true, strict: false, logger: false, code: { regExp: goRegExp } });
addFormats(ajv);
for (const format of ['int32', 'int64', 'double', 'float', 'byte', 'int-or-string'])
  ajv.addFormat(format, true);
const compiled = new Map();

/** A vendored schema, read as draft-07 (Ajv's default; the files name it by another URL or not at all). */
function draft07(file) {
  const schema = JSON.parse(readFileSync(file, 'utf8'));
  delete schema.$schema;
  return schema;
}

function validateCustom(object, file) {
  let validate = compiled.get(file);
  if (!validate) {
    validate = ajv.compile(draft07(file));
    compiled.set(file, validate);
  }
  if (validate(object)) return [];
  return validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}${paramsOf(e)}`);
}

function paramsOf(error) {
  if (error.keyword === 'additionalProperties') return `: ${error.params.additionalProperty}`;
  if (error.keyword === 'enum') return `: ${error.params.allowedValues.join(', ')}`;
  return '';
}

/** The kubernetes-models class of a built-in kind, or undefined when it has none. */
async function builtInModel(apiVersion, kind) {
  if (!/^[\w.]+(\/\w+)?$/.test(apiVersion) || !/^\w+$/.test(kind)) return undefined;
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind];
  } catch {
    return undefined;
  }
}

async function validateObject(object) {
  const { apiVersion, kind } = object ?? {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['no apiVersion or kind'];
  const crd = crdSchemaFile(apiVersion, kind);
  if (crd) return validateCustom(object, crd);
  const Model = await builtInModel(apiVersion, kind);
  if (!Model) return [`no schema for ${apiVersion} ${kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return String(error.message ?? error)
      .split(/,\s*(?=data\/)/)
      .map((line) => line.replace(/^data/, '').trim());
  }
}

async function build(directory) {
  const result = spawnSync('kubectl', ['kustomize', directory], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error)
    return { objects: [], errors: [`kubectl: ${result.error.message} (is kubectl installed?)`] };
  if (result.status !== 0) return { objects: [], errors: [`kubectl kustomize: ${result.stderr.trim()}`] };
  const objects = [];
  const errors = [];
  for (const document of parseAllDocuments(result.stdout)) {
    if (document.errors.length > 0) {
      errors.push(`YAML: ${document.errors[0].message}`);
      continue;
    }
    const object = document.toJS();
    if (object === null) continue;
    objects.push(object);
    const name = `${object.kind}/${object.metadata?.name}`;
    for (const message of await validateObject(object)) errors.push(`${name}: ${message}`);
  }
  return { objects, errors };
}

function validateCompose(file) {
  const validate = ajv.compile(draft07(path.join(SCHEMAS, 'compose-spec.json')));
  let document;
  try {
    document = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return { errors: [`YAML: ${error.message}`] };
  }
  return {
    errors: validate(document)
      ? []
      : validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}${paramsOf(e)}`),
  };
}

const args = process.argv.slice(2);
const report = { builds: {} };
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--compose') {
    report.compose = validateCompose(args[(i += 1)]);
  } else {
    report.builds[args[i]] = await build(args[i]);
  }
}
process.stdout.write(`${JSON.stringify(report)}\n`);
const failed =
  Object.values(report.builds).some((b) => b.errors.length > 0) || (report.compose?.errors.length ?? 0) > 0;
process.exitCode = failed ? 1 : 0;
