import { formatReport, runFaultRun } from './fault-run/fault-run';
import { TestContext } from './support/test-context';

/**
 * Issue 3's proof, in CI with a fixed seed (the long variant with any seed: `npm run fault-run`). Mixed
 * transfers from both initiators across both simulated banks while faults are injected and services are
 * killed; once everything has settled, every invariant of domain.md §2 holds on both sides' books.
 */
const SEED = 20261121;

jest.setTimeout(15 * 60_000);

it(`a seeded fault run (seed ${SEED}) ends with every transfer definite and no invariant violated`, async () => {
  const ctx = new TestContext();
  const report = await runFaultRun(
    { ctx, databaseUrl: ctx.info.postgres, stack: ctx.stack },
    {
      seed: SEED,
      transfers: 1500,
      concurrency: 12,
      accountsPerBank: 6,
      faultRate: 0.1,
      killEvery: 300,
      requestTimeoutMs: 1500,
      settleTimeoutMs: 180_000,
      log: (line) => process.stdout.write(`${line}\n`),
    },
  );
  process.stdout.write(`${formatReport(report)}\n`);
  expect(report.invariants.violations).toEqual([]);
  expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
});
