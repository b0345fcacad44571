// The deployment kit as an SRE applies it: every kustomization rendered by `kubectl kustomize`
// and each object validated offline against the Kubernetes schemas and the CRD schemas of
// Strimzi, CloudNativePG, KEDA and the Prometheus Operator (tools/packaging/validate-manifests.mjs),
// docker-compose.yml against the Compose specification; then what each overlay promises.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SCORING_CONSUMER } from '../../apps/health-scoring/src/scoring/scoring.messaging';
import { ALERTING_ACCOUNTS_CONSUMER } from '../../apps/alerting/src/consumer-groups';
import { PLAYBOOKS_SIGNALS_CONSUMER } from '../../apps/playbooks/src/engine/consumer-groups';
import { READ_MODELS_GROUP } from '../../apps/reporting/src/read-models/consumer-groups';

const ROOT = path.resolve(__dirname, '../..');
const SERVICES = ['alerting', 'health-scoring', 'ingestion', 'playbooks', 'reporting'];
const CONSUMERS = SERVICES.filter((s) => s !== 'ingestion');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  data?: Record<string, string>;
}

interface Report {
  builds: Record<string, { objects: K8sObject[]; errors: string[] }>;
  compose?: { errors: string[] };
}

function validate(...args: string[]): { status: number | null; report: Report } {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'tools/packaging/validate-manifests.mjs'), ...args],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    },
  );
  if (!result.stdout) throw new Error(`validate-manifests printed nothing: ${result.stderr}`);
  return { status: result.status, report: JSON.parse(result.stdout) as Report };
}

/** The consumer group each consuming service reads its main topics with, as the code declares it. */
const CONSUMER_GROUPS: Record<string, string> = {
  'health-scoring': SCORING_CONSUMER,
  alerting: ALERTING_ACCOUNTS_CONSUMER,
  playbooks: PLAYBOOKS_SIGNALS_CONSUMER,
  reporting: READ_MODELS_GROUP,
};

const OVERLAYS = ['k8s/base', 'k8s/overlays/development', 'k8s/overlays/production'];
const run = validate('--compose', 'docker-compose.yml', ...OVERLAYS);

function objects(overlay: string): K8sObject[] {
  return run.report.builds[overlay]?.objects ?? [];
}
const find = (overlay: string, kind: string, name?: string) =>
  objects(overlay).filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
const one = (overlay: string, kind: string, name: string) => {
  const found = find(overlay, kind, name);
  if (found.length !== 1) throw new Error(`${overlay}: ${found.length} ${kind} ${name}`);
  return found[0];
};

describe('deployment kit', () => {
  it.each(OVERLAYS)('%s renders with kubectl kustomize and every object passes its schema', (overlay) => {
    const build = run.report.builds[overlay];
    expect(build.errors).toEqual([]);
    expect(build.objects.length).toBeGreaterThan(0);
  });

  it('docker-compose.yml passes the Compose specification schema', () => {
    expect(run.report.compose?.errors).toEqual([]);
    expect(run.status).toBe(0);
  });

  it('pins every image: no latest and no image without a tag or digest', () => {
    const images = OVERLAYS.flatMap((overlay) =>
      find(overlay, 'Deployment').flatMap((d) =>
        [...d.spec.template.spec.containers, ...(d.spec.template.spec.initContainers ?? [])].map(
          (c: { image: string }) => c.image,
        ),
      ),
    );
    const clusters = [
      ...find('k8s/overlays/development', 'Cluster'),
      ...find('k8s/overlays/production', 'Cluster'),
    ];
    images.push(...clusters.map((c) => c.spec.imageName as string));
    expect(images.length).toBeGreaterThan(10);
    for (const image of images) expect(image).toMatch(/^[\w./-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
    for (const image of images) expect(image).not.toMatch(/:latest$/);
    const compose = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(compose).not.toMatch(/image:\s*\S+:latest\b/);
  });

  it('never inlines a Secret: the overlays reference Secrets the SRE creates', () => {
    for (const overlay of OVERLAYS) expect(find(overlay, 'Secret')).toEqual([]);
  });

  describe('development', () => {
    const overlay = 'k8s/overlays/development';

    it('runs one replica of each service with a one-node KRaft Kafka and a one-instance Postgres', () => {
      for (const service of SERVICES) expect(one(overlay, 'Deployment', service).spec.replicas).toBe(1);
      const kafka = one(overlay, 'Kafka', 'tsuzuku');
      expect(kafka.metadata.annotations?.['strimzi.io/kraft']).toBe('enabled');
      expect(kafka.metadata.annotations?.['strimzi.io/node-pools']).toBe('enabled');
      const pools = find(overlay, 'KafkaNodePool');
      expect(pools.map((p) => p.spec.replicas)).toEqual([1]);
      expect([...pools[0].spec.roles].sort()).toEqual(['broker', 'controller']);
      expect(one(overlay, 'Cluster', 'tsuzuku-db').spec.instances).toBe(1);
    });

    it('has topics and services at the replication factor one broker allows', () => {
      for (const topic of find(overlay, 'KafkaTopic')) {
        expect(topic.spec.replicas).toBe(1);
        expect(topic.spec.config['min.insync.replicas']).toBe('1');
      }
      for (const service of SERVICES)
        expect(one(overlay, 'ConfigMap', `${service}-config`).data?.KAFKA_REPLICATION_FACTOR).toBe('1');
    });

    it('reads DATABASE_URL from the Secret CloudNativePG writes for the application', () => {
      for (const service of SERVICES) {
        const pod = one(overlay, 'Deployment', service).spec.template.spec;
        for (const container of [pod.containers[0], pod.initContainers[0]]) {
          const url = container.env.find((e: { name: string }) => e.name === 'DATABASE_URL');
          expect(url.valueFrom.secretKeyRef).toEqual({ name: 'tsuzuku-db-app', key: 'uri' });
        }
      }
    });
  });

  describe('production', () => {
    const overlay = 'k8s/overlays/production';

    it.each(SERVICES)('%s: two replicas or more, spread over zones, a PodDisruptionBudget', (service) => {
      const deployment = one(overlay, 'Deployment', service);
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      const spread = deployment.spec.template.spec.topologySpreadConstraints ?? [];
      expect(spread).toContainEqual(
        expect.objectContaining({
          topologyKey: 'topology.kubernetes.io/zone',
          labelSelector: { matchLabels: { 'app.kubernetes.io/name': service } },
        }),
      );
      const budget = one(overlay, 'PodDisruptionBudget', service);
      expect(budget.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': service });
      expect(budget.spec.maxUnavailable ?? 0).toBeLessThan(deployment.spec.replicas);
    });

    it.each(SERVICES)('%s: logs in to Postgres as its own role, whose password is that Secret', (service) => {
      const pod = one(overlay, 'Deployment', service).spec.template.spec;
      for (const container of [pod.containers[0], pod.initContainers[0]]) {
        const url = container.env.find((e: { name: string }) => e.name === 'DATABASE_URL');
        expect(url.valueFrom.secretKeyRef).toEqual({ name: `tsuzuku-db-${service}`, key: 'url' });
      }
      const cluster = one(overlay, 'Cluster', 'tsuzuku-db');
      const role = cluster.spec.managed.roles.find(
        (r: { name: string }) => r.name === service.replace('-', '_'),
      );
      expect(role).toMatchObject({ login: true, passwordSecret: { name: `tsuzuku-db-${service}` } });
      expect(cluster.spec.bootstrap.initdb.postInitApplicationSQL).toContain(
        `CREATE SCHEMA ${role.name} AUTHORIZATION ${role.name}`,
      );
    });

    it('scales ingestion on CPU and each consumer on its group lag (KEDA kafka scaler)', () => {
      const hpa = one(overlay, 'HorizontalPodAutoscaler', 'ingestion');
      expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'ingestion' });
      expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpa.spec.metrics[0].resource.name).toBe('cpu');
      expect(
        find(overlay, 'ScaledObject')
          .map((s) => s.metadata.name)
          .sort(),
      ).toEqual(CONSUMERS);
      const partitions = Math.min(...find(overlay, 'KafkaTopic').map((t) => t.spec.partitions as number));
      for (const service of CONSUMERS) {
        const scaled = one(overlay, 'ScaledObject', service);
        expect(scaled.spec.scaleTargetRef.name).toBe(service);
        expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
        expect(scaled.spec.triggers).toHaveLength(1);
        expect(scaled.spec.triggers[0].type).toBe('kafka');
        expect(scaled.spec.triggers[0].metadata.consumerGroup).toBe(CONSUMER_GROUPS[service]);
        expect(scaled.spec.triggers[0].metadata.bootstrapServers).toBe(
          one(overlay, 'ConfigMap', `${service}-config`).data?.KAFKA_BROKERS,
        );
        // More replicas than the partitions of the topics read would sit idle.
        expect(scaled.spec.maxReplicaCount).toBeLessThanOrEqual(
          Math.max(partitions, ...find(overlay, 'KafkaTopic').map((t) => t.spec.partitions as number)),
        );
      }
    });

    it('denies by default and opens only each service its own ports', () => {
      const policies = find(overlay, 'NetworkPolicy');
      const denyAll = policies.find(
        (p) =>
          Object.keys(p.spec.podSelector).length === 0 &&
          !p.spec.ingress &&
          p.spec.policyTypes.includes('Ingress'),
      );
      expect(denyAll).toBeDefined();
      const denyEgress = policies.find((p) => p.spec.policyTypes.includes('Egress') && !p.spec.egress);
      expect(denyEgress?.spec.podSelector.matchExpressions[0].values.sort()).toEqual(SERVICES);
      for (const service of SERVICES) {
        const opened = policies
          .filter((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === service)
          .flatMap((p) => p.spec.ingress ?? [])
          .flatMap((rule: { ports: { port: number }[] }) => rule.ports.map((p) => p.port));
        const container = one(overlay, 'Deployment', service).spec.template.spec.containers[0];
        const ports = container.ports.map((p: { containerPort: number }) => p.containerPort);
        expect([...new Set(opened)].sort()).toEqual([...ports].sort());
      }
    });

    it('runs a three-node Kafka with a KafkaUser per service and a three-instance Postgres', () => {
      const pools = find(overlay, 'KafkaNodePool');
      expect(pools.reduce((sum, p) => sum + (p.spec.replicas as number), 0)).toBe(3);
      expect(
        find(overlay, 'KafkaUser')
          .map((u) => u.metadata.name)
          .sort(),
      ).toEqual(SERVICES);
      for (const user of find(overlay, 'KafkaUser'))
        expect(user.metadata.labels?.['strimzi.io/cluster']).toBe('tsuzuku');
      for (const topic of find(overlay, 'KafkaTopic')) {
        expect(topic.spec.replicas).toBe(3);
        expect(topic.spec.config['min.insync.replicas']).toBe('2');
      }
      expect(one(overlay, 'Cluster', 'tsuzuku-db').spec.instances).toBe(3);
      expect(find(overlay, 'ScheduledBackup')).toHaveLength(1);
    });

    it('scrapes /metrics of every service and alerts with a runbook each', () => {
      for (const service of SERVICES) {
        const monitor = one(overlay, 'ServiceMonitor', service);
        expect(monitor.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': service });
        expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
      }
      const operations = readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
      const rules = find(overlay, 'PrometheusRule').flatMap((r) =>
        r.spec.groups.flatMap((g: { rules: unknown[] }) => g.rules),
      ) as { alert: string; expr: string; annotations: Record<string, string> }[];
      const alerts = rules.map((r) => r.alert);
      for (const name of [
        'TsuzukuConsumerLagHigh',
        'TsuzukuDeadLetterGrowth',
        'TsuzukuOutboxAgeHigh',
        'TsuzukuHighErrorRate',
        'TsuzukuEventToScoreLatencyHigh',
      ])
        expect(alerts).toContain(name);
      for (const rule of rules) {
        const anchor = /^docs\/operations\.md#([\w-]+)$/.exec(rule.annotations.runbook_url)?.[1];
        expect(anchor).toBeDefined();
        // A heading whose GitHub anchor is the runbook's: "### TsuzukuConsumerLagHigh" → tsuzukuconsumerlaghigh.
        expect(operations.split('\n').map((l) => /^#+\s+(.*)$/.exec(l)?.[1]?.toLowerCase())).toContain(
          anchor,
        );
      }
    });

    it('ships the dashboards as ConfigMaps for Grafana, as deploy/grafana/dashboards.mjs writes them', () => {
      const dashboards = find(overlay, 'ConfigMap').filter(
        (c) => c.metadata.labels?.grafana_dashboard === '1',
      );
      expect(dashboards.map((d) => d.metadata.name).sort()).toEqual(
        ['pipeline', ...SERVICES].map((n) => `tsuzuku-dashboard-${n}`).sort(),
      );
      const check = spawnSync(
        process.execPath,
        [path.join(ROOT, 'deploy/grafana/dashboards.mjs'), '--check'],
        {
          encoding: 'utf8',
        },
      );
      expect(check.stderr).toBe('');
      expect(check.status).toBe(0);
    });

    it('names only series listed in deploy/metrics.json, in its rules and its dashboards', () => {
      const metrics = (
        JSON.parse(readFileSync(path.join(ROOT, 'deploy/metrics.json'), 'utf8')) as {
          metrics: { name: string; type: string }[];
        }
      ).metrics;
      // A histogram is read through its _bucket, _count and _sum series.
      const catalogue = new Set(
        metrics.flatMap((m) =>
          m.type === 'histogram' ? ['_bucket', '_count', '_sum'].map((suffix) => m.name + suffix) : [m.name],
        ),
      );
      const expressions = [
        ...find(overlay, 'PrometheusRule').flatMap((r) =>
          r.spec.groups.flatMap((g: { rules: { expr: string }[] }) => g.rules.map((x) => x.expr)),
        ),
        ...find(overlay, 'ConfigMap')
          .filter((c) => c.metadata.labels?.grafana_dashboard === '1')
          .flatMap((c) => Object.values(c.data ?? {}))
          .flatMap((json) =>
            (JSON.parse(json) as { panels: { targets: { expr: string }[] }[] }).panels.flatMap((p) =>
              p.targets.map((t) => t.expr),
            ),
          ),
      ];
      expect(expressions.length).toBeGreaterThan(20);
      const series = expressions.flatMap((expr) =>
        [...expr.matchAll(/([a-z_:][a-z0-9_:]*)\{/g)].map((m) => m[1]),
      );
      expect(series.length).toBeGreaterThanOrEqual(expressions.length);
      for (const name of series) expect(catalogue).toContain(name);
    });
  });

  describe('fails on a broken manifest', () => {
    const scratch = path.join(ROOT, '.tsuzuku', 'tmp', `broken-${randomBytes(4).toString('hex')}`);
    beforeAll(() => mkdirSync(scratch, { recursive: true }));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    it('reports the object and field a schema refuses, for built-in kinds and custom resources', () => {
      const production = path.relative(scratch, path.join(ROOT, 'k8s/overlays/production'));
      writeFileSync(
        path.join(scratch, 'kustomization.yaml'),
        [
          'apiVersion: kustomize.config.k8s.io/v1beta1',
          'kind: Kustomization',
          'bases:',
          `  - ${production}`,
          'patchesJson6902:',
          '  - target: { group: apps, version: v1, kind: Deployment, name: ingestion }',
          '    path: replicas.yaml',
          '  - target: { group: keda.sh, version: v1alpha1, kind: ScaledObject, name: alerting }',
          '    path: scaler.yaml',
          '  - target: { group: kafka.strimzi.io, version: v1beta2, kind: KafkaUser, name: reporting }',
          '    path: user.yaml',
          '',
        ].join('\n'),
      );
      writeFileSync(
        path.join(scratch, 'replicas.yaml'),
        "- op: replace\n  path: /spec/replicas\n  value: 'two'\n",
      );
      writeFileSync(path.join(scratch, 'scaler.yaml'), '- op: add\n  path: /spec/minReplicas\n  value: 2\n');
      writeFileSync(
        path.join(scratch, 'user.yaml'),
        '- op: replace\n  path: /spec/authentication/type\n  value: md5\n',
      );
      const broken = validate(scratch);
      expect(broken.status).toBe(1);
      const errors = broken.report.builds[scratch].errors.join('\n');
      expect(errors).toMatch(/Deployment\/ingestion: \/spec\/replicas must be integer/);
      expect(errors).toMatch(
        /ScaledObject\/alerting: \/spec must NOT have additional properties: minReplicas/,
      );
      expect(errors).toMatch(
        /KafkaUser\/reporting: \/spec\/authentication\/type must be equal to one of the allowed values/,
      );
    });

    it('reports a kind it has no schema for, and a kustomization that does not build', () => {
      writeFileSync(
        path.join(scratch, 'kustomization.yaml'),
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - thing.yaml\n',
      );
      writeFileSync(
        path.join(scratch, 'thing.yaml'),
        'apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: x\n',
      );
      expect(validate(scratch).report.builds[scratch].errors).toEqual([
        'Thing/x: no schema for example.com/v1 Thing',
      ]);
      writeFileSync(path.join(scratch, 'kustomization.yaml'), 'resources:\n  - missing.yaml\n');
      const missing = validate(scratch);
      expect(missing.status).toBe(1);
      expect(missing.report.builds[scratch].errors[0]).toMatch(/^kubectl kustomize: .*missing\.yaml/);
    });

    it('reports a Compose file the specification refuses', () => {
      const compose = path.join(scratch, 'compose.yml');
      writeFileSync(
        compose,
        'services:\n  kafka:\n    image: apache/kafka:4.1.1\n    restart: sometimes\n    ports: 9092\n',
      );
      const broken = validate('--compose', compose);
      expect(broken.status).toBe(1);
      expect(broken.report.compose?.errors.join('\n')).toMatch(/\/services\/kafka\/ports must be array/);
    });
  });
});
