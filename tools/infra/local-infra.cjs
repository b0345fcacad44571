'use strict';
// Local infrastructure without Docker: a single-node Apache Kafka (KRaft) built from
// Apache Kafka's own jars on Maven Central, and the Postgres database named by
// DATABASE_URL. Plain CommonJS with no dependencies beyond `pg` and `kafkajs`, so the
// CLI, the test harness's global setup and the demo can all call it.

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');

const ROOT = path.resolve(__dirname, '..', '..');
const STATE_DIR = path.join(ROOT, '.tsuzuku');
const KAFKA_VERSION = process.env.TSUZUKU_KAFKA_VERSION || '4.1.1';
const KAFKA_DIR = path.join(STATE_DIR, 'kafka');
const KAFKA_LIB = path.join(KAFKA_DIR, `lib-${KAFKA_VERSION}`);
const KAFKA_PORT = Number(process.env.TSUZUKU_KAFKA_PORT || 9092);

/** Where one local broker keeps its config, data, log and pid; the default one, or a named extra one. */
function kafkaInstance({ port = KAFKA_PORT, name = 'default' } = {}) {
  const dir = name === 'default' ? KAFKA_DIR : path.join(KAFKA_DIR, 'instances', name);
  return {
    name,
    port,
    controllerPort: port + 1,
    dir,
    data: path.join(dir, 'data'),
    pidFile: path.join(dir, 'kafka.pid'),
  };
}
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tsuzuku';

class InfraError extends Error {}

function log(message) {
  process.stderr.write(`[infra] ${message}\n`);
}

function portAnswers(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function javaMajorVersion() {
  const java = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return { java, major: null };
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr);
  if (!match) return { java, major: null };
  const first = Number(match[1]);
  return { java, major: first === 1 ? Number(match[2]) : first };
}

function requireTools() {
  const { java, major } = javaMajorVersion();
  if (major === null) {
    throw new InfraError(
      'Java was not found: install a JDK 17 or newer (for example `apt-get install openjdk-17-jdk-headless`) or set JAVA_HOME, or point KAFKA_BROKERS at an existing Kafka.',
    );
  }
  if (major < 17) {
    throw new InfraError(`Java ${major} found at ${java}; Kafka ${KAFKA_VERSION} needs Java 17 or newer.`);
  }
  return java;
}

/** Resolves kafka_2.13 and its runtime dependencies from Maven Central into a cached folder. */
function ensureKafkaJars() {
  const marker = path.join(KAFKA_LIB, '.complete');
  if (fs.existsSync(marker)) return;
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) {
    throw new InfraError(
      'Maven was not found: install Apache Maven (for example `apt-get install maven`) so that the Kafka jars can be fetched from Maven Central, or point KAFKA_BROKERS at an existing Kafka.',
    );
  }
  fs.mkdirSync(KAFKA_DIR, { recursive: true });
  const pom = path.join(KAFKA_DIR, `pom-${KAFKA_VERSION}.xml`);
  fs.writeFileSync(
    pom,
    `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.tsuzuku</groupId>
  <artifactId>local-kafka</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>${KAFKA_VERSION}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>2.24.3</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>2.24.3</version>
    </dependency>
  </dependencies>
</project>
`,
  );
  log(`fetching Apache Kafka ${KAFKA_VERSION} jars from Maven Central (cached after the first run)...`);
  fs.rmSync(KAFKA_LIB, { recursive: true, force: true });
  const result = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      pom,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${KAFKA_LIB}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0) {
    throw new InfraError(
      `Maven could not resolve org.apache.kafka:kafka_2.13:${KAFKA_VERSION}:\n${(result.stdout || '') + (result.stderr || '')}`,
    );
  }
  fs.writeFileSync(marker, new Date().toISOString());
}

function writeKafkaConfig(instance) {
  fs.mkdirSync(instance.data, { recursive: true });
  const config = path.join(instance.dir, 'server.properties');
  fs.writeFileSync(
    config,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${instance.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${instance.port},CONTROLLER://127.0.0.1:${instance.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${instance.port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${instance.data}`,
      'num.partitions=3',
      // A single node can only hold one replica of the internal topics.
      'offsets.topic.replication.factor=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      'log.retention.hours=168',
      '',
    ].join('\n'),
  );
  const log4j = path.join(instance.dir, 'log4j2.properties');
  fs.writeFileSync(
    log4j,
    [
      'status = warn',
      'appender.console.type = Console',
      'appender.console.name = STDOUT',
      'appender.console.layout.type = PatternLayout',
      'appender.console.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = WARN',
      'rootLogger.appenderRef.stdout.ref = STDOUT',
      'logger.server.name = kafka.server.KafkaRaftServer',
      'logger.server.level = INFO',
      '',
    ].join('\n'),
  );
  return { config, log4j };
}

function formatStorageOnce(java, instance, config, log4j) {
  if (fs.existsSync(path.join(instance.data, 'meta.properties'))) return;
  const clusterId = crypto.randomBytes(16).toString('base64url').slice(0, 22);
  const result = spawnSync(
    java,
    [
      `-Dlog4j2.configurationFile=${log4j}`,
      '-cp',
      path.join(KAFKA_LIB, '*'),
      'kafka.tools.StorageTool',
      'format',
      // One argument with '=': a random id may start with '-', which would read as an option.
      `--cluster-id=${clusterId}`,
      '-c',
      config,
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new InfraError(`formatting the Kafka log directory failed:\n${result.stdout}${result.stderr}`);
  }
}

function readPid(pidFile) {
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

async function waitForKafka(brokers, timeoutMs) {
  const { Kafka, logLevel } = require('kafkajs');
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    const admin = new Kafka({
      clientId: 'tsuzuku-infra',
      brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 1000,
    }).admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      await admin.disconnect();
      return;
    } catch (error) {
      lastError = error;
      await admin.disconnect().catch(() => undefined);
      await sleep(500);
    }
  }
  throw new InfraError(
    `Kafka at ${brokers.join(',')} did not answer within ${timeoutMs} ms: ${lastError && lastError.message}`,
  );
}

/**
 * Starts the local Kafka unless KAFKA_BROKERS names a cluster (or, for an extra named instance,
 * always); resolves to the broker list.
 */
async function ensureKafka({ timeoutMs = 90_000, port, name } = {}) {
  const instance = kafkaInstance({ port, name });
  if (process.env.KAFKA_BROKERS && instance.name === 'default') {
    const brokers = process.env.KAFKA_BROKERS.split(',').map((b) => b.trim());
    await waitForKafka(brokers, timeoutMs);
    return brokers;
  }
  const brokers = [`127.0.0.1:${instance.port}`];
  if (await portAnswers(instance.port)) {
    await waitForKafka(brokers, timeoutMs);
    return brokers;
  }
  const java = requireTools();
  ensureKafkaJars();
  const { config, log4j } = writeKafkaConfig(instance);
  formatStorageOnce(java, instance, config, log4j);
  const logFile = path.join(instance.dir, 'kafka.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    java,
    [
      '-Xms256m',
      '-Xmx768m',
      '-XX:+UseG1GC',
      '-XX:TieredStopAtLevel=1',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${log4j}`,
      '-cp',
      path.join(KAFKA_LIB, '*'),
      'kafka.Kafka',
      config,
    ],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  fs.writeFileSync(instance.pidFile, String(child.pid));
  log(
    `starting Kafka ${KAFKA_VERSION} (pid ${child.pid}) on 127.0.0.1:${instance.port}; log in ${path.relative(ROOT, logFile)}`,
  );
  try {
    await waitForKafka(brokers, timeoutMs);
  } catch (error) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
    throw new InfraError(`${error.message}\nlast lines of the Kafka log:\n${tail}`);
  }
  log('Kafka is ready');
  return brokers;
}

/** Stops a local broker this script started (SIGTERM, then SIGKILL after 30 s). */
async function stopKafka({ name } = {}) {
  const instance = kafkaInstance({ name });
  const pid = readPid(instance.pidFile);
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
      await sleep(250);
    } catch {
      fs.rmSync(instance.pidFile, { force: true });
      return true;
    }
  }
  process.kill(pid, 'SIGKILL');
  fs.rmSync(instance.pidFile, { force: true });
  return true;
}

function postgresBinDir() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? path.join(base, versions[0], 'bin') : null;
}

/** Starts a private Postgres cluster in .tsuzuku/postgres when no server answers. */
async function startPrivatePostgres(url) {
  const bin = postgresBinDir();
  if (!bin) {
    throw new InfraError(
      `no Postgres answers at ${url.host} and no Postgres binaries were found: start a server or set DATABASE_URL.`,
    );
  }
  const dataDir = path.join(STATE_DIR, 'postgres');
  const asPostgres = process.getuid && process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const run = (cmd, args) => {
    const all = [...asPostgres, path.join(bin, cmd), ...args];
    const result = spawnSync(all[0], all.slice(1), { encoding: 'utf8' });
    if (result.status !== 0) throw new InfraError(`${cmd} failed: ${result.stdout}${result.stderr}`);
  };
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    fs.mkdirSync(dataDir, { recursive: true });
    if (asPostgres.length) spawnSync('chown', ['-R', 'postgres', dataDir]);
    run('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust']);
  }
  const port = url.port || '5432';
  log(`starting a private Postgres on port ${port} in ${path.relative(ROOT, dataDir)}`);
  run('pg_ctl', [
    '-D',
    dataDir,
    '-l',
    path.join(dataDir, 'server.log'),
    '-o',
    `-p ${port} -k /tmp -c listen_addresses=127.0.0.1`,
    '-w',
    'start',
  ]);
  fs.writeFileSync(path.join(STATE_DIR, 'postgres.private'), bin);
}

async function stopPrivatePostgres() {
  const marker = path.join(STATE_DIR, 'postgres.private');
  if (!fs.existsSync(marker)) return false;
  const bin = fs.readFileSync(marker, 'utf8');
  const asPostgres = process.getuid && process.getuid() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  const all = [
    ...asPostgres,
    path.join(bin, 'pg_ctl'),
    '-D',
    path.join(STATE_DIR, 'postgres'),
    '-m',
    'fast',
    'stop',
  ];
  spawnSync(all[0], all.slice(1), { encoding: 'utf8' });
  fs.rmSync(marker, { force: true });
  return true;
}

/** Makes sure the database named by DATABASE_URL exists; resolves to the URL. */
async function ensurePostgres({ databaseUrl } = {}) {
  const urlText = databaseUrl || process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const url = new URL(urlText);
  const port = Number(url.port || 5432);
  const host = url.hostname || '127.0.0.1';
  if (!(await portAnswers(port, host, 1000))) {
    if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
      throw new InfraError(`no Postgres answers at ${host}:${port} (DATABASE_URL).`);
    }
    await startPrivatePostgres(url);
  }
  const { Client } = require('pg');
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'tsuzuku';
  const adminUrl = new URL(url.toString());
  adminUrl.pathname = '/postgres';
  const client = new Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      log(`created database ${database}`);
    }
  } finally {
    await client.end();
  }
  return url.toString();
}

async function up() {
  fs.mkdirSync(STATE_DIR, { recursive: true });
  const databaseUrl = await ensurePostgres();
  const brokers = await ensureKafka();
  return { brokers, databaseUrl };
}

async function down() {
  const kafka = await stopKafka();
  const pg = await stopPrivatePostgres();
  return { kafka, postgres: pg };
}

async function status() {
  const pid = readPid(kafkaInstance().pidFile);
  return {
    kafka: { pid, answering: await portAnswers(KAFKA_PORT), version: KAFKA_VERSION, port: KAFKA_PORT },
    postgresPrivate: fs.existsSync(path.join(STATE_DIR, 'postgres.private')),
  };
}

module.exports = {
  InfraError,
  KAFKA_VERSION,
  KAFKA_PORT,
  DEFAULT_DATABASE_URL,
  ensureKafka,
  ensureKafkaJars,
  ensurePostgres,
  stopKafka,
  up,
  down,
  status,
  portAnswers,
};
