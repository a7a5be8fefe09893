import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadCustodyConfig, type Role, SERVICE_ROLE } from '@custody/service-kit';
import { StackConsumerGroups } from './consumer-groups';
import { type ProcessOptions, type ServiceControl, startControlServer, UnknownServiceError } from './control-server';
import { startIngress } from './ingress';
import { type CallingService, LocalAuthority } from './local-auth';
import { SpanStore } from './span-receiver';

export type { ReceivedSpan } from './span-receiver';

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
  /**
   * Run every service from `npm run build`'s output (`node dist/apps/<app>/main.js`, as production does) instead of
   * compiling its TypeScript at start through @swc-node/register. Default: CUSTODY_FROM_BUILD=1 in the environment.
   */
  fromBuild?: boolean;
}

export interface StackInfo {
  apiBaseUrl: string;
  /** custody.v1's gRPC services (the transfer service's GRPC_PORT), as `host:port` for @grpc/grpc-js. */
  grpcAddress: string;
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
const SKEWED_CLOCK = resolve(__dirname, 'skewed-clock.js');
/** The reconciliation service's heap limit, as the benchmark runs it (docs/benchmarks.md "Reconciliation"). */
const RECONCILIATION_HEAP = '--max-old-space-size=160';
/**
 * Every other built service's: with V8's default (~4 GB here) a fresh service let its old space fill with garbage to
 * ~120 MB before its first full collection, 232 MB RSS for a live heap of ~60 MB (docs/benchmarks.md "Built output:
 * memory"); the limit has it collect sooner and keeps each under its 200 MB. Not through the development loader,
 * whose compiled modules and source maps hold ~35 MB more of the heap and whose memory is no budget.
 */
const SERVICE_HEAP = '--max-old-space-size=128';
/** Extra replicas listen on portBase + this + n. */
const REPLICA_PORT_OFFSET = 40;
/** The transfer service serves gRPC on portBase + this. */
const GRPC_PORT_OFFSET = 50;
/** A dead member's session timeout (30 s unless KAFKA_SESSION_TIMEOUT_MS says otherwise) plus the rebalance after it. */
const CONSUMER_SETTLE_TIMEOUT_MS = 90_000;

interface ServiceSpec {
  name: string;
  /** The app under apps/ the process runs. */
  app: string;
  port: number;
  env: Record<string, string>;
  /** Node's own options for the process; built, its heap limit is SERVICE_HEAP unless it says otherwise. */
  nodeArgs?: string[];
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const config = loadCustodyConfig(options.configPath);
  const kafka = options.kafkaBrokers ?? process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const redis = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const logDir = join(options.stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  // The services that call another, each signing as itself with the one role it asserts (the saga reads the
  // ledger's balances; the transfer service and an adapter ask for fund-password verifications, an adapter also
  // keeps day files; the reconciliation service asks the owners for the broker's day files); the others hold no key.
  const callers: CallingService[] = [
    { identity: 'saga', role: 'auditor' },
    { identity: 'transfer', role: SERVICE_ROLE },
    // The reconciliation service has the transfer and account services write the broker's day files.
    { identity: 'reconciliation', role: SERVICE_ROLE },
    ...config.banks.map((bank): CallingService => ({ identity: adapterName(bank.code), role: SERVICE_ROLE })),
  ];
  const auth = new LocalAuthority(options.namespace, callers);
  const trustList = join(options.stateDir, 'auth-trust.yaml');
  auth.writeTrustList(trustList);

  const url = (port: number) => `http://127.0.0.1:${port}`;
  const common = {
    CUSTODY_CONFIG: options.configPath,
    DATABASE_URL: options.databaseUrl,
    KAFKA_BROKERS: kafka,
    REDIS_URL: redis,
    AUTH_TRUST_FILE: trustList,
    CUSTODY_NAMESPACE: options.namespace,
    // A test stack's traces go to its control server (span-receiver.ts); only what a test marks sampled is recorded.
    ...(options.controlPort === undefined
      ? {}
      : { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${url(options.controlPort)}/v1/traces`, OTEL_TRACES_SAMPLER: 'parentbased_always_off' }),
    ...options.serviceEnv,
  };
  const ports = { account: options.portBase + 1, transfer: options.portBase + 2, saga: options.portBase + 3, reconciliation: options.portBase + 4, grpc: options.portBase + GRPC_PORT_OFFSET };
  const specs: ServiceSpec[] = [
    { name: 'account', app: 'account', port: ports.account, env: {} },
    // The transfer service asks the account service to verify a fundPassword given with a transfer.
    { name: 'transfer', app: 'transfer', port: ports.transfer, env: { CUSTODY_ACCOUNT_URL: url(ports.account), GRPC_PORT: String(ports.grpc), ...auth.signingEnv('transfer') } },
    { name: 'saga', app: 'saga', port: ports.saga, env: { TRANSFER_URL: url(ports.transfer), ...auth.signingEnv('saga') } },
    {
      name: 'reconciliation',
      app: 'reconciliation',
      port: ports.reconciliation,
      env: { CUSTODY_TRANSFER_URL: url(ports.transfer), CUSTODY_ACCOUNT_URL: url(ports.account), ...auth.signingEnv('reconciliation') },
      // A day of a million transfers a side reads within ~300 MB with V8's heap kept this small (docs/benchmarks.md).
      nodeArgs: [RECONCILIATION_HEAP],
    },
  ];
  const banks: StackInfo['banks'] = [];
  config.banks.forEach((bank, i) => {
    const controlPort = options.portBase + 20 + i;
    if (bank.simulate) {
      specs.push({ name: `bank-simulator-${bank.code}`, app: 'bank-simulator', port: controlPort, env: { BANK_CODE: bank.code } });
    }
    // The adapter asks the account service to verify a fund password (F-4.2 B), and keeps and reads the day files
    // with the reconciliation service.
    const adapterEnv = { BANK_CODE: bank.code, CUSTODY_ACCOUNT_URL: url(ports.account), CUSTODY_RECONCILIATION_URL: url(ports.reconciliation), ...auth.signingEnv(adapterName(bank.code)) };
    specs.push({ name: adapterName(bank.code), app: 'bank-adapter', port: options.portBase + 10 + i, env: adapterEnv });
    banks.push({ code: bank.code, host: bank.host, port: bank.port, simulated: bank.simulate, controlUrl: bank.simulate ? url(controlPort) : undefined });
  });

  const fromBuild = options.fromBuild ?? process.env.CUSTODY_FROM_BUILD === '1';
  if (fromBuild) requireBuildOutput(specs);
  const processes = new Map<string, ChildProcess>();
  const launch = (spec: ServiceSpec, options: ProcessOptions = {}) => {
    // The child writes its log file itself: piped through this process, every line cost two more copies and this
    // process's CPU on the hot path (issue 9), and a slow reader here could stall a service's writes.
    const log = openSync(join(logDir, `${spec.name}.log`), 'a');
    const skew = options.clockSkewMs ? { CUSTODY_TEST_CLOCK_SKEW_MS: String(options.clockSkewMs) } : {};
    const preload = options.clockSkewMs ? ['-r', SKEWED_CLOCK] : [];
    const child = spawn(process.execPath, [...preload, ...cpuProfileArgs(), ...(spec.nodeArgs ?? (fromBuild ? [SERVICE_HEAP] : [])), ...entryArgs(spec.app, fromBuild)], {
      cwd: ROOT,
      // CUSTODY_INSTANCE names this process (its Kafka client id), so that replicas of one service are told apart.
      env: { ...process.env, ...common, ...spec.env, ...skew, CUSTODY_INSTANCE: spec.name, PORT: String(spec.port) },
      stdio: ['ignore', log, log],
    });
    // The child holds its own descriptor now.
    closeSync(log);
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
  const runningChild = (name: string): ChildProcess => {
    const child = processes.get(specOf(name).name);
    if (!running(child)) throw new Error(`${name} is not running`);
    return child!;
  };
  const groups = new StackConsumerGroups(kafka, options.namespace);
  // The group members each killed process left behind; its restart waits until Kafka has dropped them.
  const orphanedMembers = new Map<string, string[]>();
  let replicas = 0;
  const control: ServiceControl = {
    list: () => specs.map((spec) => ({ name: spec.name, pid: processes.get(spec.name)?.pid, running: running(processes.get(spec.name)) })),
    kill: async (name) => {
      const child = processes.get(specOf(name).name);
      if (!running(child)) return;
      orphanedMembers.set(name, await groups.membersOf(name));
      child!.kill('SIGKILL');
      await exited(child!);
    },
    restart: async (name, processOptions) => {
      const spec = specOf(name);
      if (running(processes.get(name))) throw new Error(`${name} is still running; kill it first`);
      await waitHealthy(spec, launch(spec, processOptions), logDir);
      // Healthy is not yet consuming: the partitions wait until the dead members' sessions expire.
      await groups.waitGone(orphanedMembers.get(name) ?? [], CONSUMER_SETTLE_TIMEOUT_MS);
      orphanedMembers.delete(name);
    },
    stop: async (name) => {
      const child = runningChild(name);
      child.kill('SIGTERM');
      await exited(child);
    },
    pause: async (name) => {
      runningChild(name).kill('SIGSTOP');
    },
    resume: async (name) => {
      runningChild(name).kill('SIGCONT');
    },
    addReplica: async (name, processOptions) => {
      const base = specOf(name);
      replicas += 1;
      // A replica serves gRPC on a free port of its own: grpcAddress names the first process, as apiBaseUrl's routes do.
      const env = base.env.GRPC_PORT === undefined ? base.env : { ...base.env, GRPC_PORT: '0' };
      const spec: ServiceSpec = { ...base, env, name: `${base.name}-r${replicas + 1}`, port: options.portBase + REPLICA_PORT_OFFSET + replicas };
      specs.push(spec);
      await waitHealthy(spec, launch(spec, processOptions), logDir);
      return spec.name;
    },
  };

  let ingress: Server | undefined;
  let controlServer: Server | undefined;
  const stop = async () => {
    auth.stopRenewing();
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
    await waitHealthy(first, launch(first), logDir);
    await Promise.all(rest.map((spec) => waitHealthy(spec, launch(spec), logDir)));
    // Healthy is not yet open for business: transfers start once each bank has answered the day's 13012.
    await waitDaysOpen(url(ports.saga), auth.roleTokens().operator);
    ingress = await startIngress(options.apiPort, { account: url(ports.account), transfer: url(ports.transfer), saga: url(ports.saga), reconciliation: url(ports.reconciliation) });
    if (options.controlPort !== undefined) controlServer = await startControlServer(options.controlPort, control, new SpanStore());
  } catch (e) {
    await stop();
    throw e;
  }

  const info: StackInfo = {
    apiBaseUrl: url(options.apiPort),
    grpcAddress: `127.0.0.1:${ports.grpc}`,
    tokens: auth.roleTokens(),
    banks,
    kafka,
    postgres: options.databaseUrl,
    redis,
    services: Object.fromEntries(specs.map((s) => [s.name, url(s.port)])),
    controlUrl: options.controlPort === undefined ? undefined : url(options.controlPort),
  };
  const infoFile = join(options.stateDir, 'stack.json');
  writeAtomically(infoFile, JSON.stringify(info, null, 2));
  // The role tokens expire: clients re-read stack.json (this process's users, `info.tokens`) for fresh ones.
  auth.renewRoleTokens((tokens) => {
    info.tokens = tokens;
    writeAtomically(infoFile, JSON.stringify(info, null, 2));
  });

  return { info, control, stop };
}

const adapterName = (bankCode: string) => `bank-adapter-${bankCode}`;

const builtEntry = (app: string) => `dist/apps/${app}/main.js`;

/** How node runs an app: its build output, or its TypeScript compiled as it loads (`npm start`'s quicker turnaround). */
function entryArgs(app: string, fromBuild: boolean): string[] {
  return fromBuild ? [builtEntry(app)] : ['-r', '@swc-node/register', `apps/${app}/src/main.ts`];
}

/** A stack from the build output fails before it starts anything when an app was never built. */
function requireBuildOutput(specs: ServiceSpec[]): void {
  const missing = [...new Set(specs.map((spec) => spec.app))].filter((app) => !existsSync(join(ROOT, builtEntry(app))));
  if (missing.length > 0) {
    throw new Error(`no build output for ${missing.join(', ')} (${missing.map(builtEntry).join(', ')}): run \`npm run build\` first, or \`npm run start:built\`, which builds and starts`);
  }
}

/**
 * `CUSTODY_CPU_PROF_DIR=dir npm start`: every service writes a V8 CPU profile there when it stops (Ctrl-C), for the
 * flame graphs of docs/benchmarks.md (Node refuses `--cpu-prof` in NODE_OPTIONS, so the stack passes it).
 */
function cpuProfileArgs(): string[] {
  const dir = process.env.CUSTODY_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(dir)}`] : [];
}

/** A reader of stack.json sees the old file or the new one, never half of one. */
function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

// Generous: on a loaded 2-core machine (CI beside other work) compiling a service at start takes long.
// A process that exits meanwhile failed to start: that is reported at once, with its last log lines,
// instead of being waited for until the timeout.
async function waitHealthy(spec: ServiceSpec, child: ChildProcess, logDir: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${spec.name} exited while starting (${child.exitCode !== null ? `code ${child.exitCode}` : child.signalCode}); last lines of its log:\n${logTail(spec, logDir)}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${spec.port}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await sleep(250);
  }
  throw new Error(`${spec.name} did not become healthy on port ${spec.port} within ${timeoutMs / 1000} s; last lines of its log:\n${logTail(spec, logDir)}`);
}

/**
 * Until every bank's day of the business date is OPEN (bank-protocol.md §7 step 1). A bank that stays closed
 * is named with its phase, so a start that cannot open a bank says which and where it stands.
 */
async function waitDaysOpen(sagaUrl: string, token: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer from the saga';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${sagaUrl}/v1/day`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        const day = (await response.json()) as { businessDate: string; banks: Array<{ bankCode: string; phase: string }> };
        const closed = day.banks.filter((bank) => bank.phase !== 'OPEN');
        if (day.banks.length > 0 && closed.length === 0) return;
        last = `business date ${day.businessDate}: ${closed.map((bank) => `${bank.bankCode} ${bank.phase}`).join(', ') || 'no bank yet'}`;
      }
    } catch {
      // not answering yet
    }
    await sleep(250);
  }
  throw new Error(`the banks' days did not open (13012) within ${timeoutMs / 1000} s; ${last}; see the saga's and the adapters' logs`);
}

function logTail(spec: ServiceSpec, logDir: string): string {
  const log = join(logDir, `${spec.name}.log`);
  try {
    return `${log}\n${readFileSync(log, 'utf8').split('\n').slice(-30).join('\n')}`;
  } catch {
    return `${log}: no log yet`;
  }
}
