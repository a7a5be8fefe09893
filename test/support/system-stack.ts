import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { parse, stringify } from 'yaml';
import { BusinessDays, chinaDateOf } from '@custody/service-kit';
import { startStack, type RunningStack, type StackInfo } from '@custody/local-stack';

/**
 * The system tests' own stack: separate namespace (Kafka topics and groups), database, ports and bank
 * simulators, so it runs beside a developer's `npm start` without either seeing the other.
 */
/**
 * CUSTODY_SYSTEM_TEST_SLOT (0–9, default 0) runs another system-test stack beside the first, on its own
 * ports, database and state directory: two checkouts (or a CI run and a developer) on one machine.
 */
function slot(): number {
  const raw = process.env.CUSTODY_SYSTEM_TEST_SLOT ?? '0';
  if (!/^[0-9]$/.test(raw)) throw new Error('CUSTODY_SYSTEM_TEST_SLOT must be a single digit');
  return Number(raw);
}
const SLOT = slot();
const SHIFT = SLOT * 1000;
export const SYSTEM_STATE_DIR = resolve(__dirname, `../../.local/system-test${SLOT === 0 ? '' : `-${SLOT}`}`);
export const SYSTEM_INFO_FILE = join(SYSTEM_STATE_DIR, 'stack.json');
/** Where the stack's services write their logs (tools/stack/stack.ts: `<stateDir>/logs`). */
export const SYSTEM_LOG_DIR = join(SYSTEM_STATE_DIR, 'logs');
const DATABASE = `custody_system_test${SLOT === 0 ? '' : `_${SLOT}`}`;
const API_PORT = 8480 + SHIFT;

/** Whether nothing listens on the port: a busy API port means another system-test stack is up. */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer()
      .once('error', () => done(false))
      .listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

export async function startSystemStack(): Promise<RunningStack> {
  // Checked before the database is dropped: dropping it under a running stack would break that run.
  if (!(await portFree(API_PORT))) {
    throw new Error(`port ${API_PORT} is in use: another system-test stack is running (database ${DATABASE}); wait for it, or set CUSTODY_SYSTEM_TEST_SLOT=1..9`);
  }
  mkdirSync(SYSTEM_STATE_DIR, { recursive: true });
  const config = parse(readFileSync(resolve(__dirname, '../../config/custody.local.yaml'), 'utf8')) as {
    banks: Array<Record<string, unknown>>;
    holidays?: string[];
    dif04WaitMs?: number;
    dormantAfterDays?: number;
  };
  // A simulated bank sends its DIF04 within a second; a day whose DIF04 is lost is reconciled after this wait.
  config.dif04WaitMs = 30_000;
  // F-12.3 within a test's minutes: a dormant marking (run only by the conversion test) takes any zero, idle
  // pre-designated relationship; the files then leave it out, as the bank's DIF04 does.
  config.dormantAfterDays = 0;
  config.banks.forEach((bank, i) => {
    bank.port = 17401 + SHIFT + i;
    // Short timeouts keep the UNKNOWN scenarios quick; the behaviour does not depend on their size.
    bank.requestTimeoutMs = 1500;
    bank.replyDeadlineMs = 1000;
  });
  const configPath = join(SYSTEM_STATE_DIR, 'custody.system-test.yaml');
  writeFileSync(configPath, stringify(config));

  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  await admin.end();

  const stack = await startStack({
    configPath,
    namespace: `systest-${Date.now().toString(36)}`,
    databaseUrl: `postgres://postgres@127.0.0.1:5432/${DATABASE}`,
    apiPort: API_PORT,
    portBase: 7400 + SHIFT,
    stateDir: SYSTEM_STATE_DIR,
    // The failure tests crash and restart services through it (test-context.ts StackControl).
    controlPort: 7490 + SHIFT,
    // A killed process's partitions move to the survivors after this, not after the production 30 s.
    // The next business date, not today's: its transfer window (to 24:00) cannot end while the tests run.
    // The bank's day files are fetched after 20 s without them, not the profile's 10 minutes.
    serviceEnv: { KAFKA_SESSION_TIMEOUT_MS: '6000', CUSTODY_BANK_FILES_WAIT_MS: '20000', CUSTODY_FIRST_BUSINESS_DATE: new BusinessDays(config.holidays ?? []).after(chinaDateOf(new Date())) },
  });
  return stack;
}

export function readSystemStackInfo(): StackInfo {
  return JSON.parse(readFileSync(SYSTEM_INFO_FILE, 'utf8')) as StackInfo;
}
