import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Money } from '@custody/money';
import type { StackInfo } from '../tools/stack/stack';
import { TestContext } from '../test/support/test-context';

/**
 * Pushes N securities→bank transfers through the public API of a running stack (`npm start`) against a
 * simulated bank and prints throughput and latency. Each request waits until its transfer is final
 * (waitMs), so the latency is the whole path: API → ledger → Kafka → saga → adapter → bank → back.
 *
 *   npm run bench:transfers -- --count 2000 --concurrency 32
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const count = arg('count', 1000);
  const concurrency = arg('concurrency', 16);
  const accounts = arg('accounts', concurrency);
  const info = JSON.parse(readFileSync(resolve(__dirname, '../.local/stack.json'), 'utf8')) as StackInfo;
  const ctx = new TestContext(info);
  const bankCode = ctx.bankCodes[0];

  // Several fund accounts, so the run measures the hub rather than one account's row lock.
  const funded = await Promise.all(
    Array.from({ length: accounts }, async () => {
      const d = await ctx.newDesignation(bankCode, '100000000.00');
      const deposit = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '10000000.00', bankPassword: d.bankPassword });
      if (deposit.body.status !== 'SUCCEEDED') throw new Error(`funding failed: ${JSON.stringify(deposit.body)}`);
      return d;
    }),
  );

  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < count) {
        next += 1;
        const d = funded[worker % funded.length];
        const t0 = process.hrtime.bigint();
        const result = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '1.00' }, 30_000);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        const status = result.status === 201 ? result.body.status : `HTTP ${result.status}`;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);

  const ledger = await Promise.all(funded.map((d) => ctx.balances(d.fundAccountNo)));
  const custody = await Promise.all(funded.map((d) => ctx.banks[bankCode].custodyAccount(d.fundAccountNo)));
  const agree = ledger.every((l, i) => Money.parse(l.balance, 'signed').equals(Money.parse(custody[i].balance, 'signed')));

  console.log(`transfers: ${latencies.length} securities→bank over ${accounts} fund accounts, concurrency ${concurrency}`);
  console.log(`outcomes: ${[...statuses].map(([s, n]) => `${s}=${n}`).join(' ')}`);
  console.log(`throughput: ${(latencies.length / seconds).toFixed(1)} transfers/s (${seconds.toFixed(1)} s)`);
  console.log(`latency ms: p50 ${percentile(latencies, 50).toFixed(1)}  p90 ${percentile(latencies, 90).toFixed(1)}  p99 ${percentile(latencies, 99).toFixed(1)}  max ${latencies[latencies.length - 1].toFixed(1)}`);
  console.log(`ledger = bank custody account for every fund account: ${agree}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
