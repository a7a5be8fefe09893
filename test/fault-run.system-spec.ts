import { closeTheDay } from './fault-run/day-close';
import { formatReport, runFaultRun } from './fault-run/fault-run';
import { DayControl } from './support/day-control';
import { SYSTEM_LOG_DIR } from './support/system-stack';
import { TestContext } from './support/test-context';

/**
 * Issue 3's proof, in CI with a fixed seed (the long variant with any seed: `npm run fault-run`). Mixed
 * transfers from both initiators across both simulated banks while faults are injected and services are
 * killed, a second replica of one bank's adapter joins and leaves, and the other bank's adapter runs with its clock
 * 5 s off; meanwhile the broker's account functions run on the same accounts (issue 10: two each of designations,
 * bank settlement account changes and cancellations at zero); once everything has settled, every invariant of
 * domain.md §2 holds on both sides' books and the day reconciles with no CHK02/CHK03 break.
 */
const SEED = 20261121;

jest.setTimeout(15 * 60_000);

it(`a seeded fault run (seed ${SEED}) with account functions interleaved ends with every transfer definite and no invariant violated`, async () => {
  const ctx = new TestContext();
  // The run's day must hold its own transfers only: every break of it is to be explained by a fault it injected. What
  // the suites before it did on the shared stack is closed first (every proposal approved).
  await new DayControl(ctx).open();
  expect((await closeTheDay(ctx, new Set(), 180_000, () => undefined)).nextBusinessDate).not.toBeNull();
  const report = await runFaultRun(
    { ctx, databaseUrl: ctx.info.postgres, stack: ctx.stack, logDir: SYSTEM_LOG_DIR },
    {
      seed: SEED,
      transfers: 1500,
      concurrency: 12,
      accountsPerBank: 6,
      faultRate: 0.1,
      killEvery: 300,
      disruptAdapters: true,
      requestTimeoutMs: 1500,
      settleTimeoutMs: 180_000,
      // A few of each kind, F-3.6 changes of custodian bank among them, to keep the CI run short.
      accountFunctions: { perKind: 2, bankChanges: true },
      log: (line) => process.stdout.write(`${line}\n`),
    },
  );
  process.stdout.write(`${formatReport(report)}\n`);
  expect(report.invariants.violations).toEqual([]);
  expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  // The account functions were asked and answered, not skipped: each kind got its answer at least once.
  expect(report.accountFunctions).toMatchObject({ 'DESIGNATION DESIGNATED': expect.any(Number), 'BANK_ACCOUNT_CHANGE DESIGNATED': expect.any(Number), 'CANCELLATION CANCELLED': expect.any(Number), 'BANK_CHANGE DESIGNATED': expect.any(Number) });
  const done = Object.keys(report.disruptions);
  for (const kind of [/^replica of .* started$/, /^replica stopped$/, /clock [+-]5000 ms$/]) expect(done.some((d) => kind.test(d))).toBe(true);
});
