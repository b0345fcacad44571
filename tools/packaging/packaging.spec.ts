// There is no Docker engine or Kubernetes cluster on the development machines, so this test
// reads the packaging files (apps/<name>/Dockerfile, docker-compose.yml, k8s/base) and checks
// them against the code: each service's default PORT, the variables ServiceConfig reads,
// the health probes and the topics declared in contracts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { TOPIC_DECLARATIONS } from '@tsuzuku/contracts';
import { loadConfig, ServiceConfig } from '@tsuzuku/platform-config';
import { topicConfig } from '@tsuzuku/platform-kafka';
import type { ServiceDefinition } from '@tsuzuku/platform-runtime';

const ROOT = path.resolve(__dirname, '../..');

function read(relativePath: string): string {
  return readFileSync(path.join(ROOT, relativePath), 'utf8');
}

function exists(relativePath: string): boolean {
  return existsSync(path.join(ROOT, relativePath));
}

// --- what the code says ---------------------------------------------------------------------

/** Every service: a folder of apps/ with a main.ts. */
const SERVICES = readdirSync(path.join(ROOT, 'apps'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && exists(`apps/${entry.name}/src/main.ts`))
  .map((entry) => entry.name)
  .sort();

/**
 * The config class a service boots with, taken from its ServiceDefinition (`apps/<name>/src/service.ts`),
 * instantiated with its defaults: exactly what loadConfig reads, with no parsing of source text.
 */
function configOf(service: string): Record<string, unknown> {
  const file = path.join(ROOT, 'apps', service, 'src', 'service.ts');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the services are found at run time
  const exported = Object.values(require(file) as Record<string, unknown>);
  const definitions = exported.filter(
    (value): value is ServiceDefinition<ServiceConfig> =>
      typeof value === 'object' && value !== null && 'configClass' in value && 'module' in value,
  );
  if (definitions.length !== 1) throw new Error(`${file} exports ${definitions.length} service definitions`);
  return new definitions[0]!.configClass() as unknown as Record<string, unknown>;
}

/** The default PORT a service's config class sets. */
function defaultPort(service: string): number {
  const port = configOf(service)['PORT'];
  if (typeof port !== 'number') throw new Error(`${service} sets no default PORT`);
  return port;
}

/** Ports a service listens on besides its HTTP PORT (the gRPC servers, GRPC_PORT's default). */
const EXTRA_PORTS: Readonly<Record<string, readonly number[]>> = {
  'health-scoring': [5002],
  reporting: [5005],
};
const extraPorts = (service: string): readonly number[] => EXTRA_PORTS[service] ?? [];

/** Variables a service reads: every key loadConfig takes from the environment for it. */
function variablesOf(service: string): Set<string> {
  return new Set(Object.keys(configOf(service)));
}

/** Directories of the npm workspaces (root package.json), relative to the root. */
function workspaceDirectories(): string[] {
  const { workspaces } = JSON.parse(read('package.json')) as { workspaces: string[] };
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(path.join(ROOT, parent), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && exists(`${parent}/${entry.name}/package.json`))
      .map((entry) => `${parent}/${entry.name}`);
  });
}

// --- Dockerfile -----------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile: continuation lines joined, comments dropped. */
function dockerInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1)} `;
      continue;
    }
    const whole = pending + trimmed;
    pending = '';
    const [keyword, ...rest] = whole.split(/\s+/);
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' ') });
  }
  return instructions;
}

/** Stages of a Dockerfile: the instructions before the first FROM, then one list per FROM. */
function dockerStages(instructions: Instruction[]): { global: Instruction[]; stages: Instruction[][] } {
  const global: Instruction[] = [];
  const stages: Instruction[][] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') stages.push([instruction]);
    else if (stages.length === 0) global.push(instruction);
    else stages[stages.length - 1].push(instruction);
  }
  return { global, stages };
}

/** Default values of the ARGs of the global scope. */
function argDefaults(global: Instruction[]): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const { keyword, args } of global) {
    const match = keyword === 'ARG' ? /^(\w+)=(\S+)$/.exec(args) : null;
    if (match) defaults.set(match[1], match[2]);
  }
  return defaults;
}

function substitute(value: string, args: Map<string, string>): string {
  return value.replace(/\$\{(\w+)\}|\$(\w+)/g, (_all, braced: string, bare: string) => {
    const name = braced ?? bare;
    const found = args.get(name);
    if (found === undefined) throw new Error(`ARG ${name} has no default`);
    return found;
  });
}

// --- YAML shapes ----------------------------------------------------------------------------

type Environment = Record<string, string | number | boolean | null> | string[];

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Environment;
  ports?: (string | number | { target: number; published?: number | string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[] };
}

interface Compose {
  services: Record<string, ComposeService>;
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
}

interface ConfigMap extends K8sObject {
  data?: Record<string, unknown>;
}

interface Probe {
  httpGet?: { path: string; port: number | string };
}

interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  readOnlyRootFilesystem?: boolean;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string } }[];
  env?: EnvVar[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
  securityContext?: SecurityContext;
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
}

interface Deployment extends K8sObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds?: number;
        securityContext?: SecurityContext;
        initContainers?: Container[];
        containers: Container[];
      };
    };
  };
}

interface Service extends K8sObject {
  spec: {
    selector: Record<string, string>;
    ports: { port: number; targetPort?: number | string }[];
  };
}

interface KafkaTopic extends K8sObject {
  spec: { topicName?: string; partitions: number; replicas: number; config?: Record<string, unknown> };
}

function yamlDocuments(relativePath: string): K8sObject[] {
  return parseAllDocuments(read(relativePath)).map((document) => {
    if (document.errors.length > 0) throw new Error(`${relativePath}: ${document.errors[0].message}`);
    return document.toJS() as K8sObject;
  });
}

function environmentRecord(environment: Environment | undefined): Record<string, string> {
  if (!environment) return {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]),
  );
}

/** [published, target] of a compose port mapping. */
function composePort(entry: string | number | { target: number; published?: number | string }): number[] {
  if (typeof entry === 'object') return [Number(entry.published), Number(entry.target)];
  const parts = String(entry).split(':');
  const target = Number(parts[parts.length - 1]);
  const published = parts.length > 1 ? Number(parts[parts.length - 2]) : Number.NaN;
  return [published, target];
}

/** A probe's or Service's port, resolved through the container's named ports. */
function resolvePort(port: number | string | undefined, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined) return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** The security context in force for a container: its own fields over the pod's. */
function effectiveSecurity(pod: SecurityContext | undefined, container: Container): SecurityContext {
  return { ...pod, ...container.securityContext };
}

/** A placeholder for what the Secret holds, so that loadConfig can validate the rest. */
const SECRET_DATABASE_URL = 'postgres://tsuzuku@database.example:5432/tsuzuku';

// --- the checks -----------------------------------------------------------------------------

describe('packaging', () => {
  it('finds the five services and reads their ports and ServiceConfig from the code', () => {
    expect(SERVICES).toEqual(['alerting', 'health-scoring', 'ingestion', 'playbooks', 'reporting']);
    expect(new Set(SERVICES.map(defaultPort)).size).toBe(SERVICES.length);
    // Every service reads at least what ServiceConfig declares.
    for (const service of SERVICES)
      expect([...variablesOf(service)]).toEqual(expect.arrayContaining(Object.keys(new ServiceConfig())));
  });

  describe('deploy/Dockerfile', () => {
    const file = 'deploy/Dockerfile';
    const text = exists(file) ? read(file) : '';
    const { global, stages } = dockerStages(dockerInstructions(text));
    const args = argDefaults(global);
    const build = stages[0] ?? [];
    const runtime = stages[stages.length - 1] ?? [];
    const inRuntime = (keyword: string) => runtime.filter((i) => i.keyword === keyword);
    const runs = (stage: Instruction[]) =>
      stage
        .filter((i) => i.keyword === 'RUN')
        .map((i) => i.args)
        .join('\n');

    it('is the only Dockerfile: none is left in apps/', () => {
      expect(exists(file)).toBe(true);
      for (const service of SERVICES) expect(exists(`apps/${service}/Dockerfile`)).toBe(false);
    });

    it('is a multi-stage build on an exact node:24 release (or a digest) in every stage', () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      for (const [from] of stages) {
        const image = substitute(from.args.split(/\s+/).find((word) => !word.startsWith('--')) ?? '', args);
        expect(image).toMatch(
          /^node:24\.\d+\.\d+(?:-[a-z0-9]+)*(?:@sha256:[0-9a-f]{64})?$|^node@sha256:[0-9a-f]{64}$/,
        );
      }
    });

    it('installs with npm ci (the lock file, never resolved anew) and prunes to the service', () => {
      expect(runs(build)).toMatch(/\bnpm ci\b/);
      expect(text).not.toMatch(/\bnpm (install|i)\b/);
      expect(runs(build)).toContain('node deploy/prune.mjs ${SERVICE} /out');
      expect(args.has('SERVICE')).toBe(true);
    });

    it('runs as a user that is not root, in production mode', () => {
      const users = inRuntime('USER');
      expect(users.length).toBeGreaterThan(0);
      const user = users[users.length - 1].args.split(':')[0];
      expect(['root', '0', '']).not.toContain(user);
      expect(
        inRuntime('ENV')
          .map((i) => i.args)
          .join(' '),
      ).toMatch(/\bNODE_ENV=production\b/);
    });

    it.each(SERVICES)('starts dist/main.js of %s and checks /health/live', (service) => {
      const cmd = inRuntime('CMD');
      expect(cmd).toHaveLength(1);
      const command = substitute(cmd[0].args, new Map([...args, ['SERVICE', service]]));
      expect(command).toContain(`node "apps/${service}/dist/main.js"`);
      expect(exists(`apps/${service}/src/main.ts`)).toBe(true);
      const healthcheck = inRuntime('HEALTHCHECK');
      expect(healthcheck).toHaveLength(1);
      expect(healthcheck[0].args).toContain('/health/live');
    });

    it('copies every workspace manifest before installing', () => {
      const copies = build
        .filter((i) => i.keyword === 'COPY')
        .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
      for (const directory of workspaceDirectories()) {
        expect(copies).toContain(`${directory}/package.json`);
      }
    });
  });

  describe('docker-compose.yml', () => {
    const compose = parse(read('docker-compose.yml')) as Compose;

    it.each(['kafka', 'postgres'])('has %s with a healthcheck', (name) => {
      expect(compose.services[name]?.healthcheck?.test).toBeDefined();
    });

    describe.each(SERVICES)('%s', (service) => {
      const port = defaultPort(service);
      const entry = compose.services[service];
      const environment = environmentRecord(entry?.environment);

      it('is built from deploy/Dockerfile with its name as SERVICE, tagged with a version', () => {
        expect(entry).toBeDefined();
        expect(entry.build?.context).toBe('.');
        expect(entry.build?.dockerfile).toBe('deploy/Dockerfile');
        expect(entry.build?.args?.SERVICE).toBe(service);
        expect(Number(entry.build?.args?.PORT)).toBe(port);
        expect(entry.image).toMatch(new RegExp(`^tsuzuku/${service}:\\d+\\.\\d+\\.\\d+$`));
      });

      it('publishes its default PORT', () => {
        expect((entry.ports ?? []).map(composePort)).toContainEqual([port, port]);
        for (const extra of extraPorts(service))
          expect((entry.ports ?? []).map(composePort)).toContainEqual([extra, extra]);
      });

      it('sets only variables the service reads, with values it accepts', () => {
        const known = variablesOf(service);
        for (const name of Object.keys(environment)) expect(known).toContain(name);
        const config = loadConfig(ServiceConfig, environment);
        expect(config.DB_MIGRATE).toBe(true);
        expect(config.DATABASE_URL).toMatch(/@postgres:5432\//);
        const kafkaListeners = environmentRecord(
          compose.services.kafka.environment,
        ).KAFKA_ADVERTISED_LISTENERS;
        for (const broker of config.KAFKA_BROKERS) expect(kafkaListeners).toContain(`://${broker}`);
      });

      it('waits for healthy Kafka and Postgres', () => {
        const dependsOn = entry.depends_on as Record<string, { condition?: string }>;
        expect(dependsOn.kafka?.condition).toBe('service_healthy');
        expect(dependsOn.postgres?.condition).toBe('service_healthy');
      });

      it('checks /health/ready on its PORT', () => {
        const test = entry.healthcheck?.test;
        const command = Array.isArray(test) ? test.join(' ') : String(test);
        const url = /https?:\/\/[\w.-]+:(\d+)(\/[\w/]*)/.exec(command);
        expect(url).not.toBeNull();
        expect(Number(url?.[1])).toBe(port);
        expect(url?.[2]).toBe('/health/ready');
      });
    });
  });

  describe('k8s/base', () => {
    const kustomization = parse(read('k8s/base/kustomization.yaml')) as { resources?: string[] };
    const resources = kustomization.resources ?? [];
    const objects = resources
      .filter((resource) => exists(`k8s/base/${resource}`))
      .flatMap((resource) => yamlDocuments(`k8s/base/${resource}`));
    const find = <T extends K8sObject>(kind: string, name: string) =>
      objects.find((o) => o.kind === kind && o.metadata.name === name) as T | undefined;
    const configMaps = objects.filter((o): o is ConfigMap => o.kind === 'ConfigMap');
    const topics = objects.filter((o): o is KafkaTopic => o.kind === 'KafkaTopic');

    it('lists resources that exist, and every manifest of the folder', () => {
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) expect(exists(`k8s/base/${resource}`)).toBe(true);
      const manifests = readdirSync(path.join(ROOT, 'k8s/base')).filter(
        (file) => /\.ya?ml$/.test(file) && file !== 'kustomization.yaml',
      );
      expect([...resources].sort()).toEqual(manifests.sort());
    });

    describe.each(SERVICES)('%s', (service) => {
      const port = defaultPort(service);
      const configMapName = `${service}-config`;
      const configMap = find<ConfigMap>('ConfigMap', configMapName);
      const deployment = find<Deployment>('Deployment', service);
      const k8sService = find<Service>('Service', service);
      const pod = deployment?.spec.template.spec;
      const container = pod?.containers.find((c) => c.name === service) ?? pod?.containers[0];
      const migrate = pod?.initContainers ?? [];

      it('has a ConfigMap, a Service and a Deployment', () => {
        expect(configMap).toBeDefined();
        expect(k8sService).toBeDefined();
        expect(deployment).toBeDefined();
        expect(container).toBeDefined();
      });

      it('configures only variables the service reads, as strings it accepts', () => {
        const data = configMap?.data ?? {};
        for (const value of Object.values(data)) expect(typeof value).toBe('string');
        const known = variablesOf(service);
        const names = [
          ...Object.keys(data),
          ...[container, ...migrate].flatMap((c) => (c?.env ?? []).map((e) => e.name)),
        ];
        for (const name of names) expect(known).toContain(name);
        const config = loadConfig(ServiceConfig, {
          ...(data as Record<string, string>),
          DATABASE_URL: SECRET_DATABASE_URL,
        });
        expect(config.PORT).toBe(port);
        expect(config.DB_MIGRATE).toBe(false);
      });

      it('listens on its default PORT and probes /health/ready and /health/live there', () => {
        if (!container) throw new Error('no container');
        expect(container.image).toMatch(new RegExp(`^tsuzuku/${service}:\\d+\\.\\d+\\.\\d+$`));
        expect(container.ports?.map((p) => p.containerPort)).toEqual([port, ...extraPorts(service)]);
        expect(container.readinessProbe?.httpGet?.path).toBe('/health/ready');
        expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
        expect(container.startupProbe?.httpGet?.path).toMatch(/^\/health\/(live|ready)$/);
        for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe]) {
          expect(resolvePort(probe?.httpGet?.port, container)).toBe(port);
        }
        expect(k8sService?.spec.ports.map((p) => p.port)).toEqual([port, ...extraPorts(service)]);
        expect(resolvePort(k8sService?.spec.ports[0].targetPort ?? port, container)).toBe(port);
      });

      it('selects its pods', () => {
        const podLabels = deployment?.spec.template.metadata.labels ?? {};
        expect(podLabels).toMatchObject(deployment?.spec.selector.matchLabels ?? { missing: 'selector' });
        expect(podLabels).toMatchObject(k8sService?.spec.selector ?? { missing: 'selector' });
      });

      it('takes its ConfigMap and the database URL from the Secret, migrating in an init container', () => {
        expect(migrate).toHaveLength(1);
        for (const c of [container, ...migrate]) {
          expect(c?.image).toBe(container?.image);
          expect(c?.envFrom).toEqual([{ configMapRef: { name: configMapName } }]);
          expect(c?.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
            name: 'tsuzuku-database',
            key: 'url',
          });
        }
        const command = [...(migrate[0].command ?? []), ...(migrate[0].args ?? [])];
        expect(command[0]).toBe('node');
        expect(command.slice(-2)).toEqual([`apps/${service}/dist/database/migrate.js`, 'migrate']);
        expect(exists(`apps/${service}/src/database/migrate.ts`)).toBe(true);
      });

      it('references its secrets (SMTP, admin token) from Secrets, never as values', () => {
        const env = container?.env ?? [];
        const secretVariables = {
          ingestion: ['TSUZUKU_ADMIN_TOKEN'],
          alerting: ['SMTP_URL'],
          playbooks: ['SMTP_URL'],
        };
        for (const name of (secretVariables as Record<string, string[]>)[service] ?? []) {
          expect(variablesOf(service)).toContain(name);
          const variable = env.find((e) => e.name === name);
          expect(variable?.value).toBeUndefined();
          expect(variable?.valueFrom?.secretKeyRef?.name).toMatch(/^tsuzuku-/);
        }
        for (const variable of env) expect(variable.value).toBeUndefined();
      });

      it('runs as non-root on a read-only filesystem, with resources and time to shut down', () => {
        if (!pod) throw new Error('no pod');
        for (const c of [...pod.containers, ...migrate]) {
          const security = effectiveSecurity(pod.securityContext, c);
          expect(security.runAsNonRoot).toBe(true);
          expect(security.runAsUser).toBe(1000);
          expect(security.readOnlyRootFilesystem).toBe(true);
          expect(c.resources?.requests).toBeDefined();
          expect(c.resources?.limits).toBeDefined();
        }
        const shutdownMs = loadConfig(ServiceConfig, {
          ...(configMap?.data as Record<string, string>),
          DATABASE_URL: SECRET_DATABASE_URL,
        }).SHUTDOWN_TIMEOUT_MS;
        // The preStop sleep, then the drain: both within the grace period.
        const preStop = container?.lifecycle?.preStop?.exec?.command ?? [];
        expect(preStop[0]).toBe('sleep');
        const preStopMs = Number(preStop[1]) * 1000;
        expect(preStopMs).toBeGreaterThan(0);
        expect(pod.terminationGracePeriodSeconds ?? 30).toBeGreaterThanOrEqual(30);
        expect((pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(preStopMs + shutdownMs);
      });
    });

    describe('KafkaTopic resources', () => {
      // The replication factor the services are configured with (one value across the ConfigMaps).
      const replicas = [
        ...new Set(
          configMaps.map(
            (c) =>
              loadConfig(ServiceConfig, { ...(c.data as Record<string, string>) }).KAFKA_REPLICATION_FACTOR,
          ),
        ),
      ];
      const cluster = topics[0]?.metadata.labels?.['strimzi.io/cluster'];

      it('belong to the cluster the services connect to', () => {
        expect(topics.length).toBeGreaterThan(0);
        for (const topic of topics) {
          expect(topic.apiVersion).toBe('kafka.strimzi.io/v1beta2');
          expect(topic.metadata.labels?.['strimzi.io/cluster']).toBe('tsuzuku');
        }
        for (const configMap of configMaps) {
          const brokers = String(configMap.data?.KAFKA_BROKERS).split(',');
          for (const broker of brokers)
            expect(broker.trim()).toMatch(new RegExp(`^${cluster}-kafka-bootstrap:\\d+$`));
        }
      });

      it('declare exactly the topics of libs/contracts/src/topics.ts', () => {
        const names = topics.map((t) => t.spec.topicName ?? t.metadata.name);
        expect([...names].sort()).toEqual(TOPIC_DECLARATIONS.map((d) => d.topic).sort());
      });

      it('have the partitions, cleanup policy and retention declared, at the services replication factor', () => {
        expect(replicas).toHaveLength(1);
        for (const declaration of TOPIC_DECLARATIONS) {
          const topic = topics.find((t) => (t.spec.topicName ?? t.metadata.name) === declaration.topic);
          if (!topic) throw new Error(`no KafkaTopic for ${declaration.topic}`);
          const config = Object.fromEntries(
            Object.entries(topic.spec.config ?? {}).map(([key, value]) => [key, String(value)]),
          );
          expect(topic.spec.partitions).toBe(declaration.partitions);
          expect(topic.spec.replicas).toBe(replicas[0]);
          expect(config['cleanup.policy']).toBe(declaration.cleanupPolicy);
          expect(config['retention.ms']).toBe(String(declaration.retentionMs));
          // Exactly what a service would create with that replication factor.
          const created = topicConfig(declaration, replicas[0]).configEntries ?? [];
          expect(config).toEqual(Object.fromEntries(created.map((e) => [e.name, e.value])));
        }
      });
    });
  });
});
