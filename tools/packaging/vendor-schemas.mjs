#!/usr/bin/env node
// Refreshes the JSON schemas the manifest test validates against (tools/packaging/schemas/),
// from local checkouts of their public sources, so the test needs no network:
//   - the CRD schemas of Strimzi, CloudNativePG, KEDA and the Prometheus Operator, as
//     published by datreeio/CRDs-catalog (one file per group/kind_version, `additionalProperties:
//     false` on every object the CRD lists properties of);
//   - the Compose specification's schema (compose-spec/compose-spec, schema/compose-spec.json).
// Descriptions are dropped (they are most of the bytes and never affect validation).
//
//   node tools/packaging/vendor-schemas.mjs <CRDs-catalog checkout> <compose-spec checkout>
// Record the commits in tools/packaging/schemas/SOURCES.md when you refresh.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schemas');
/** group/kind_version files of the catalog that the overlays use. */
export const CRD_SCHEMAS = [
  'kafka.strimzi.io/kafka_v1beta2.json',
  'kafka.strimzi.io/kafkanodepool_v1beta2.json',
  'kafka.strimzi.io/kafkatopic_v1beta2.json',
  'kafka.strimzi.io/kafkauser_v1beta2.json',
  'postgresql.cnpg.io/cluster_v1.json',
  'postgresql.cnpg.io/scheduledbackup_v1.json',
  'keda.sh/scaledobject_v1alpha1.json',
  'monitoring.coreos.com/servicemonitor_v1.json',
  'monitoring.coreos.com/prometheusrule_v1.json',
];

function withoutDescriptions(value) {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, inner]) => key !== 'description' || typeof inner !== 'string')
        .map(([key, inner]) => [key, withoutDescriptions(inner)]),
    );
  }
  return value;
}

function vendor(source, target) {
  const schema = withoutDescriptions(JSON.parse(readFileSync(source, 'utf8')));
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, `${JSON.stringify(schema)}\n`);
}

const [catalog, compose] = process.argv.slice(2);
if (!catalog || !compose) {
  console.error('usage: node tools/packaging/vendor-schemas.mjs <CRDs-catalog dir> <compose-spec dir>');
  process.exit(2);
}
for (const file of CRD_SCHEMAS) vendor(path.join(catalog, file), path.join(OUT, 'crds', file));
vendor(path.join(compose, 'schema', 'compose-spec.json'), path.join(OUT, 'compose-spec.json'));
console.log(`wrote ${CRD_SCHEMAS.length + 1} schemas to ${OUT}`);
