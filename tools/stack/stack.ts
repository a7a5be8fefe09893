import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { issueToken, loadCustodyConfig, ROLES, type Role } from '@custody/service-kit';
import { StackConsumerGroups } from './consumer-groups';
import { type ServiceControl, startControlServer, UnknownServiceError } from './control-server';
import { startIngress } from './ingress';

/**
 * Starts the whole system on one machine: every service as its own process (as in production, one
 * bank adapter per bank), a bank simulator for each bank marked `simulate`, and the ingress.
 * Used by `npm start` and by the system tests (with another namespace, ports and database).
 */
export interface StackOptions {
  configPath: string;
  /** Separates this stack's Kafka topics, consumer groups, Redis keys and logs from another stack's. */
  namespace: string;
  databaseUrl: string;
  apiPort: number;
  portBase: number;
  stateDir: string;
  kafkaBrokers?: string;
  redisUrl?: string;
  /** Tests only: serve the process control endpoint (control-server.ts) on this port. */
  controlPort?: number;
  /** Extra environment for every service (e.g. a short KAFKA_SESSION_TIMEOUT_MS for a stack whose tests kill processes). */
  serviceEnv?: Record<string, string>;
}

export interface StackInfo {
  apiBaseUrl: string;
  tokens: Record<Role, string>;
  banks: Array<{ code: string; host: string; port: number; simulated: boolean; controlUrl?: string }>;
  kafka: string;
  postgres: string;
  redis: string;
  services: Record<string, string>;
  /** Present when the stack serves its process control endpoint (tests only). */
  controlUrl?: string;
}

export interface RunningStack {
  info: StackInfo;
  control: ServiceControl;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../..');
const DEV_TOKEN_SECRET = 'local-development-only-token-secret';
/** A dead member's session timeout (30 s unless KAFKA_SESSION_TIMEOUT_MS says otherwise) plus the rebalance after it. */
const CONSUMER_SETTLE_TIMEOUT_MS = 90_000;

interface ServiceSpec {
  name: string;
  entry: string;
  port: number;
  env: Record<string, string>;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const config = loadCustodyConfig(options.configPath);
  const kafka = options.kafkaBrokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const redis = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const secret = process.env.AUTH_TOKEN_SECRET ?? DEV_TOKEN_SECRET;
  const logDir = join(options.stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });

  const url = (port: number) => `http://127.0.0.1:${port}`;
  const common = {
    CUSTODY_CONFIG: options.configPath,
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: kafka,
    REDIS_URL: redis,
    AUTH_TOKEN_SECRET: secret,
    CUSTODY_NAMESPACE: options.namespace,
    ...options.serviceEnv,
  };
  const ports = { account: options.portBase + 1, transfer: options.portBase + 2, saga: options.portBase + 3 };
  const specs: ServiceSpec[] = [
    { name: 'account', entry: 'apps/account/src/main.ts', port: ports.account, env: {} },
    // The transfer service asks the account service to verify a fundPassword given with a transfer.
    { name: 'transfer', entry: 'apps/transfer/src/main.ts', port: ports.transfer, env: { CUSTODY_ACCOUNT_URL: url(ports.account) } },
    { name: 'saga', entry: 'apps/saga/src/main.ts', port: ports.saga, env: { TRANSFER_URL: url(ports.transfer) } },
  ];
  const banks: StackInfo['banks'] = [];
  config.banks.forEach((bank, i) => {
    const controlPort = options.portBase + 20 + i;
    if (bank.simulate) {
      specs.push({ name: `bank-simulator-${bank.code}`, entry: 'apps/bank-simulator/src/main.ts', port: controlPort, env: { BANK_CODE: bank.code } });
    }
    // The adapter asks the account service to verify a fund password (F-4.2 B).
    const adapterEnv = { BANK_CODE: bank.code, CUSTODY_ACCOUNT_URL: url(ports.account) };
    specs.push({ name: `bank-adapter-${bank.code}`, entry: 'apps/bank-adapter/src/main.ts', port: options.portBase + 10 + i, env: adapterEnv });
    banks.push({ code: bank.code, host: bank.host, port: bank.port, simulated: bank.simulate, controlUrl: bank.simulate ? url(controlPort) : undefined });
  });

  const processes = new Map<string, ChildProcess>();
  const launch = (spec: ServiceSpec) => {
    const log = createWriteStream(join(logDir, `${spec.name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['-r', '@swc-node/register', spec.entry], {
      cwd: ROOT,
      env: { ...process.env, ...common, ...spec.env, PORT: String(spec.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Two pipes share the log: whichever ends first must not end it under the other (a write after
    // end would be an unhandled error in this process); it closes once the child's streams are done.
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('close', () => log.end());
    processes.set(spec.name, child);
    return child;
  };

  const specOf = (name: string) => {
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new UnknownServiceError(name);
    return spec;
  };
  const exited = (child: ChildProcess) => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : child.once('exit', () => done())));
  const running = (child: ChildProcess | undefined) => child !== undefined && child.exitCode === null && child.signalCode === null;
  const groups = new StackConsumerGroups(kafka, options.namespace);
  // The group members each killed process left behind; its restart waits until Kafka has dropped them.
  const orphanedMembers = new Map<string, string[]>();
  const control: ServiceControl = {
    list: () => specs.map((spec) => ({ name: spec.name, pid: processes.get(spec.name)?.pid, running: running(processes.get(spec.name)) })),
    kill: async (name) => {
      const child = processes.get(specOf(name).name);
      if (!running(child)) return;
      orphanedMembers.set(name, await groups.membersOf(name));
      child!.kill('SIGKILL');
      await exited(child!);
    },
    restart: async (name) => {
      const spec = specOf(name);
      if (running(processes.get(name))) throw new Error(`${name} is still running; kill it first`);
      launch(spec);
      await waitHealthy(spec, logDir);
      // Healthy is not yet consuming: the partitions wait until the dead members' sessions expire.
      await groups.waitGone(orphanedMembers.get(name) ?? [], CONSUMER_SETTLE_TIMEOUT_MS);
      orphanedMembers.delete(name);
    },
  };

  let ingress: Server | undefined;
  let controlServer: Server | undefined;
  const stop = async () => {
    ingress?.closeAllConnections();
    ingress?.close();
    controlServer?.closeAllConnections();
    controlServer?.close();
    const exits = [...processes.values()].map(exited);
    for (const child of processes.values()) child.kill('SIGTERM');
    // The grace period must not keep this process alive once every child has exited.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(exits), new Promise<void>((done) => (grace = setTimeout(done, 10_000)))]);
    clearTimeout(grace);
    for (const child of processes.values()) if (running(child)) child.kill('SIGKILL');
  };

  try {
    // The services migrate their own schemas at start; account first so that its migrations do not
    // race the others' database creation, then everyone else in parallel.
    const [first, ...rest] = specs;
    launch(first);
    await waitHealthy(first, logDir);
    rest.forEach(launch);
    await Promise.all(rest.map((spec) => waitHealthy(spec, logDir)));
    ingress = await startIngress(options.apiPort, { account: url(ports.account), transfer: url(ports.transfer), saga: url(ports.saga) });
    if (options.controlPort !== undefined) controlServer = await startControlServer(options.controlPort, control);
  } catch (e) {
    await stop();
    throw e;
  }

  const info: StackInfo = {
    apiBaseUrl: url(options.apiPort),
    tokens: Object.fromEntries(ROLES.map((role) => [role, issueToken(secret, role, `${options.namespace}-${role}`)])) as Record<Role, string>,
    banks,
    kafka,
    postgres: options.databaseUrl,
    redis,
    services: Object.fromEntries(specs.map((s) => [s.name, url(s.port)])),
    controlUrl: options.controlPort === undefined ? undefined : url(options.controlPort),
  };
  writeFileSync(join(options.stateDir, 'stack.json'), JSON.stringify(info, null, 2));

  return { info, control, stop };
}

// Generous: on a loaded 2-core machine (CI beside other work) compiling a service at start takes long.
async function waitHealthy(spec: ServiceSpec, logDir: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${spec.port}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  const log = join(logDir, `${spec.name}.log`);
  let tail = '';
  try {
    tail = readFileSync(log, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    // no log yet
  }
  throw new Error(`${spec.name} did not become healthy on port ${spec.port} within ${timeoutMs / 1000} s; last lines of ${log}:\n${tail}`);
}
