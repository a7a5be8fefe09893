import { execFileSync, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { configPath, loadCustodyConfig } from '@custody/service-kit';
import { startStack } from './stack';

/** `npm start`: checks the infrastructure, brings everything up, prints where it is, stops on Ctrl-C. */
async function main(): Promise<void> {
  const root = resolve(__dirname, '../..');
  execFileSync('bash', [resolve(root, 'tools/infra/check-services.sh')], { stdio: 'inherit' });
  const kafka = resolve(root, 'tools/kafka/kafka.sh');
  // Ctrl-C stops what this command started: the broker too, unless one was already answering.
  const kafkaWasRunning = spawnSync('bash', [kafka, 'status'], { stdio: 'ignore' }).status === 0;
  execFileSync('bash', [kafka, 'start'], { stdio: 'inherit' });
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/custody';
  await resetWhenBanksForget(databaseUrl);
  const stack = await startStack({
    configPath: configPath(),
    namespace: 'local',
    databaseUrl,
    apiPort: Number(process.env.API_PORT ?? 8080),
    portBase: Number(process.env.STACK_PORT_BASE ?? 7100),
    stateDir: resolve(root, '.local'),
  });
  const { info } = stack;
  const from = process.env.CUSTODY_FROM_BUILD === '1' ? 'the build output (dist/apps)' : 'the TypeScript sources';
  console.log(`\nCustody hub is up, from ${from}. Public API: ${info.apiBaseUrl}  (OpenAPI: ${info.apiBaseUrl}/v1/openapi.json)`);
  console.log(`  gRPC (custody.v1.Transfers, custody.v1.Ledger; libs/contracts/proto): ${info.grpcAddress}`);
  for (const bank of info.banks) console.log(`  bank ${bank.code}: ${bank.host}:${bank.port}${bank.controlUrl ? ` (simulator control ${bank.controlUrl})` : ''}`);
  console.log(`Tokens and addresses: .local/stack.json; logs: .local/logs/. Ctrl-C stops everything this command started.\n`);
  const shutdown = async () => {
    console.log('stopping…');
    await stack.stop();
    if (!kafkaWasRunning) execFileSync('bash', [kafka, 'stop'], { stdio: 'inherit' });
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/**
 * Simulated banks keep their books in memory. When every bank is simulated, yesterday's ledgers and custody
 * relationships would contradict banks that have forgotten them (I3), so the demo starts from an empty
 * database. CUSTODY_KEEP_DATA=1 keeps it.
 */
async function resetWhenBanksForget(databaseUrl: string): Promise<void> {
  if (process.env.CUSTODY_KEEP_DATA === '1' || !loadCustodyConfig().banks.every((b) => b.simulate)) return;
  const url = new URL(databaseUrl);
  const database = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database.replace(/"/g, '')}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  console.log(`every bank is simulated (books in memory): starting from an empty database "${database}" (CUSTODY_KEEP_DATA=1 keeps it)`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
