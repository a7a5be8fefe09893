/**
 * The long fault run, by hand, with any seed (issue 3 "the proof"):
 *
 *   npm run fault-run -- --seed 7 --transfers 10000 [--concurrency 16 | --rate 300] [--accounts 8] [--fault-rate 0.1] [--kill-every 500]
 *                        [--no-adapter-disruptions] [--account-functions 10] [--bank-changes]
 *
 * `--account-functions N`: N each of designations, bank settlement account changes and cancellations beside the
 * transfers (issue 10; 0: none); `--bank-changes` adds N changes of custodian bank (F-3.6, off until its endpoint exists).
 *
 * It starts a stack of its own (its own database, Kafka namespace, ports and simulated banks, in system-test
 * slot 8 unless CUSTODY_SYSTEM_TEST_SLOT says otherwise, so it runs beside `npm start` and the tests), runs,
 * prints the figures and stops the stack. Exit code 1 when any invariant is violated.
 */
import { formatReport, type FaultRunOptions } from './fault-run';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  return value;
}

async function main(): Promise<void> {
  process.env.CUSTODY_SYSTEM_TEST_SLOT ??= '8';
  // Imported after the slot is chosen: the stack module reads it when it loads.
  const { startSystemStack, SYSTEM_LOG_DIR } = await import('../support/system-stack');
  const { StackControl, TestContext } = await import('../support/test-context');
  const { runFaultRun } = await import('./fault-run');
  const options: FaultRunOptions = {
    seed: flag('seed', Date.now() % 2 ** 31),
    transfers: flag('transfers', 10_000),
    concurrency: flag('concurrency', 16),
    ...(process.argv.includes('--rate') ? { ratePerSecond: flag('rate', 300) } : {}),
    accountsPerBank: flag('accounts', 8),
    faultRate: flag('fault-rate', 0.1),
    killEvery: flag('kill-every', 500),
    disruptAdapters: !process.argv.includes('--no-adapter-disruptions'),
    requestTimeoutMs: 1500,
    settleTimeoutMs: flag('settle-ms', 300_000),
    accountFunctions: { perKind: flag('account-functions', 10), bankChanges: !process.argv.includes('--no-bank-changes') },
    log: (line) => console.log(line),
  };
  const started = Date.now();
  const stack = await startSystemStack();
  console.log(`fault run: stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (${stack.info.apiBaseUrl})`);
  try {
    const report = await runFaultRun({ ctx: new TestContext(stack.info), databaseUrl: stack.info.postgres, stack: stack.info.controlUrl ? new StackControl(stack.info.controlUrl) : undefined, logDir: SYSTEM_LOG_DIR }, options);
    console.log(formatReport(report));
    process.exitCode = report.invariants.violations.length === 0 ? 0 : 1;
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(2);
});
