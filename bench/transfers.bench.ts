import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Money } from '@custody/money';
import type { StackInfo } from '../tools/stack/stack';
import { type Designated, TestContext } from '../test/support/test-context';
import { cpuBetween, cpuSnapshot, peakRssMb, resetPeakRss } from './support/stack-processes';
import { pgbenchTps, postgresCounters, STATEMENTS_HOWTO } from './support/postgres-stats';
import { bankRequestsShed } from './support/adapter-shedding';
import { keepAliveHttp } from './support/keep-alive-http';

/**
 * Transfers through a running stack (`npm start`) against a simulated bank, sustained: a warm-up, then a measured
 * window; prints throughput, latency, CPU seconds per transfer and peak RSS per process, SQL statements and commits per transfer,
 * and the ratio to `pgbench -b tpcb-like` on the same server. Afterwards every transfer is accounted for: the fund
 * ledgers moved by what succeeded, and so did the bank's custody accounts.
 *
 *   npm run bench:transfers -- --type S2B --seconds 60 --concurrency 64
 *   npm run bench:transfers -- --type BANK --rate 600 --seconds 60     # open loop: offered load, not clients
 *
 * --type     S2B  securities→bank through POST /v1/transfers (F-4.2 S; the default)
 *            B2S  bank→securities through POST /v1/transfers (F-4.1 S, with the bank password)
 *            BANK bank-initiated deposits (F-4.1 B) started at the simulated bank; latency is the bank's wait
 * --seconds  the measured window (60); --warmup before it (60: a fresh stack's first minute runs at two thirds of
 *            its warm rate, V8 and the pools still warming — docs/benchmarks.md, runs of 2026-12-07)
 * --concurrency  closed loop: clients each waiting for their transfer's outcome (64)
 * --rate     open loop instead: transfers started per second whatever the answers (shows load shedding)
 * --accounts fund accounts the load is spread over (default: the concurrency, at most 256)
 * --pgbench  seconds of pgbench after the run (15; 0 skips it)
 */
type Kind = 'S2B' | 'B2S' | 'BANK';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const numberArg = (name: string, fallback: number) => Number(arg(name) ?? fallback);

const AMOUNT = Money.parse('1.00');
/** Each service's memory budget (issue 11; docs/benchmarks.md "Built output: memory"). */
const RSS_BUDGET_MB = 200;
const FINAL = ['SUCCEEDED', 'FAILED', 'REVERSED'];

interface Sample {
  startedAt: number;
  ms: number;
  outcome: string;
  /** A transfer the API answered before it was final: looked at again once the load stops. */
  pendingTransferId?: string;
  /** Refused OVERLOADED: a client waits this long before its next request, as the answer's Retry-After asks. */
  retryAfterMs?: number;
  /** The bank's own deposit that got no answer in time (UNKNOWN at the bank): re-sent once the load stops. */
  unansweredBankSerialNo?: string;
}

/** The bank's deposit as its answer from the broker settles it. */
function bankOutcome(returnCode: string): string {
  return returnCode === '0000' ? 'SUCCEEDED' : `refused ${returnCode}`;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const kind = (arg('type') ?? 'S2B') as Kind;
  if (!['S2B', 'B2S', 'BANK'].includes(kind)) throw new Error(`--type must be S2B, B2S or BANK, not ${kind}`);
  const seconds = numberArg('seconds', 60);
  const warmup = numberArg('warmup', 60);
  const rate = arg('rate') === undefined ? undefined : numberArg('rate', 0);
  const concurrency = numberArg('concurrency', 64);
  const accounts = numberArg('accounts', Math.min(256, rate === undefined ? concurrency : 64));
  const pgbenchSeconds = numberArg('pgbench', 15);
  const info = JSON.parse(readFileSync(resolve(__dirname, '../.local/stack.json'), 'utf8')) as StackInfo;
  const peaksSince = resetPeakRss() ? 'this run' : 'each process started';
  const ctx = new TestContext(info, keepAliveHttp);
  const bankCode = ctx.bankCodes[0];
  const bank = ctx.banks[bankCode];

  // Several fund accounts, so the run measures the hub rather than one account's row lock; each with money on
  // both sides for every direction.
  console.log(`preparing ${accounts} designated fund accounts at bank ${bankCode}…`);
  const funded: Designated[] = [];
  for (let i = 0; i < accounts; i += 16) {
    funded.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(16, accounts - i) }, async () => {
          const d = await ctx.newDesignation(bankCode, '100000000.00');
          const deposit = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '10000000.00', bankPassword: d.bankPassword });
          if (deposit.body.status !== 'SUCCEEDED') throw new Error(`funding failed: ${JSON.stringify(deposit.body)}`);
          return d;
        }),
      )),
    );
  }
  const books = async () => ({
    ledger: await Promise.all(funded.map(async (d) => Money.parse((await ctx.balances(d.fundAccountNo)).balance, 'signed'))),
    custody: await Promise.all(funded.map(async (d) => Money.parse((await bank.custodyAccount(d.fundAccountNo)).balance, 'signed'))),
  });
  const before = await books();
  const shedBefore = kind === 'BANK' ? await bankRequestsShed(info, bankCode) : 0;

  let turn = 0;
  // A request that fails on the wire is a finding of the run, not the end of it.
  const one = (): Promise<Sample> => {
    const startedAt = performance.now();
    return attempt().catch((error: unknown) => ({ startedAt, ms: performance.now() - startedAt, outcome: `error ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}` }));
  };
  const attempt = async (): Promise<Sample> => {
    const d = funded[turn++ % funded.length];
    const startedAt = performance.now();
    if (kind === 'BANK') {
      const result = await bank.startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: AMOUNT.toString() });
      const ms = performance.now() - startedAt;
      if (result.status !== 200 && result.status !== 201) return { startedAt, ms, outcome: `HTTP ${result.status}` };
      if (result.body.returnCode === undefined) return { startedAt, ms, outcome: 'UNKNOWN at the bank', unansweredBankSerialNo: result.body.serialNo };
      return { startedAt, ms, outcome: bankOutcome(result.body.returnCode) };
    }
    const body = kind === 'S2B' ? { type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: AMOUNT.toString() } : { type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: AMOUNT.toString(), bankPassword: d.bankPassword };
    const result = await ctx.transfer(body, 30_000);
    const ms = performance.now() - startedAt;
    if (result.status !== 201 && result.status !== 200) {
      const retryAfterSeconds = (result.body as { retryAfterSeconds?: number }).retryAfterSeconds;
      return { startedAt, ms, outcome: `HTTP ${result.status} ${result.body.code ?? ''}`.trim(), retryAfterMs: retryAfterSeconds === undefined ? undefined : retryAfterSeconds * 1000 };
    }
    const final = FINAL.includes(result.body.status);
    return { startedAt, ms, outcome: result.body.status, pendingTransferId: final ? undefined : result.body.transferId };
  };

  const samples: Sample[] = [];
  const runStart = performance.now();
  const measureFrom = runStart + warmup * 1000;
  const end = measureFrom + seconds * 1000;
  let counters: { cpu: ReturnType<typeof cpuSnapshot>; pg: Awaited<ReturnType<typeof postgresCounters>>; at: number } | undefined;
  const markWindow = setTimeout(() => {
    void postgresCounters(info.postgres).then((pg) => (counters = { cpu: cpuSnapshot(), pg, at: performance.now() }));
  }, warmup * 1000);
  console.log(`running: ${kind}, ${rate === undefined ? `${concurrency} clients` : `${rate}/s offered`}, ${warmup} s warm-up + ${seconds} s measured…`);
  if (rate === undefined) {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) {
          const sample = await one();
          samples.push(sample);
          // A well-behaved client: a refused request is asked again no sooner than the server said.
          if (sample.retryAfterMs) await new Promise((r) => setTimeout(r, sample.retryAfterMs));
        }
      }),
    );
  } else {
    // Open loop: a tick every 10 ms starts what the rate owes by then, answered or not.
    const inFlight = new Set<Promise<void>>();
    let started = 0;
    while (performance.now() < end) {
      const owed = Math.floor(((performance.now() - runStart) / 1000) * rate) - started;
      for (let i = 0; i < owed; i += 1) {
        started += 1;
        const p = one().then((s) => void samples.push(s));
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(inFlight);
  }
  clearTimeout(markWindow);
  const windowEnd = performance.now();
  const cpuAfter = cpuSnapshot();
  const peaks = peakRssMb();
  const pgAfter = await postgresCounters(info.postgres);
  if (!counters) throw new Error('the measured window never started (is --warmup shorter than the run?)');

  // Everything answered before its end is settled now or soon (UNKNOWN resolves by query); accounted for all of it.
  const pending = samples.filter((s) => s.pendingTransferId);
  for (const s of pending) {
    const final = await ctx.definite(s.pendingTransferId!, 120_000);
    s.outcome = `${final.body.status} (after the answer)`;
  }
  // The bank settles a deposit of its own that got no answer as a bank does (F-4.5 B): the same serial again, and
  // the broker answers with what it did the first time — so the tally counts what both books hold.
  for (const s of samples.filter((s) => s.unansweredBankSerialNo)) {
    const resent = await bank.resendBankInitiated(s.unansweredBankSerialNo!);
    s.outcome = `${resent.body.returnCode === undefined ? 'still UNKNOWN at the bank' : bankOutcome(resent.body.returnCode)} (after a resend)`;
  }
  const after = await books();
  const shedByAdapter = kind === 'BANK' ? (await bankRequestsShed(info, bankCode)) - shedBefore : 0;

  // Every request started in the window counts, however late it was answered (a slow answer is the finding).
  const measured = samples.filter((s) => s.startedAt >= measureFrom && s.startedAt < end);
  const outcomes = new Map<string, number>();
  for (const s of measured) outcomes.set(s.outcome, (outcomes.get(s.outcome) ?? 0) + 1);
  const done = measured.filter((s) => s.outcome.startsWith('SUCCEEDED')).length;
  const windowSeconds = (windowEnd - counters.at) / 1000;
  const admitted = measured.filter((s) => !s.outcome.startsWith('HTTP 503')).map((s) => s.ms).sort((a, b) => a - b);

  const succeededAll = samples.filter((s) => s.outcome.startsWith('SUCCEEDED')).length;
  const moved = Money.fromFen(BigInt(succeededAll) * AMOUNT.toFen());
  const expected = kind === 'S2B' ? moved.negated() : moved;
  const ledgerMoved = Money.sum(after.ledger).minus(Money.sum(before.ledger));
  const custodyMoved = Money.sum(after.custody).minus(Money.sum(before.custody));

  const perTransfer = (n: number) => (done === 0 ? 'n/a' : (n / done).toFixed(1));
  console.log(`\n${kind}: ${measured.length} transfers asked in the ${seconds} s window over ${accounts} fund accounts (answered within ${windowSeconds.toFixed(1)} s)`);
  console.log(`outcomes: ${[...outcomes].map(([s, n]) => `${s}=${n}`).join('  ')}`);
  console.log(`throughput: ${(done / windowSeconds).toFixed(1)} succeeded/s`);
  if (kind === 'BANK') console.log(`shed by the bank's adapter (answered 2041 at once, whole run): ${shedByAdapter}`);
  const latencies = (sorted: number[]) => `p50 ${percentile(sorted, 50).toFixed(1)}  p90 ${percentile(sorted, 90).toFixed(1)}  p99 ${percentile(sorted, 99).toFixed(1)}  max ${sorted.at(-1)?.toFixed(1)}`;
  console.log(`latency ms (admitted): ${latencies(admitted)}`);
  // The bank's new transfers are shed with a 2041 answer, not a 503: this line is theirs without the quick refusals.
  console.log(`latency ms (succeeded): ${latencies(measured.filter((s) => s.outcome === 'SUCCEEDED').map((s) => s.ms).sort((a, b) => a - b))}`);
  console.log(`PostgreSQL: ${perTransfer(pgAfter.commits - counters.pg.commits)} commits per transfer; ${pgAfter.statements === undefined || counters.pg.statements === undefined ? STATEMENTS_HOWTO : `${perTransfer(pgAfter.statements - counters.pg.statements)} statements per transfer`}`);
  console.log(`CPU per succeeded transfer (ms), per process; the Node processes' peak RSS (VmHWM since ${peaksSince}; a service's budget is ${RSS_BUDGET_MB} MB):`);
  let total = 0;
  for (const { name, seconds: cpu } of cpuBetween(counters.cpu, cpuAfter)) {
    total += cpu;
    const peak = peaks.get(name);
    const rss = peak === undefined ? '' : `   peak RSS ${peak.toFixed(0).padStart(4)} MB${name !== 'launcher' && peak > RSS_BUDGET_MB ? ' OVER BUDGET' : ''}`;
    console.log(`  ${name.padEnd(26)} ${perTransfer(cpu * 1000).padStart(7)}   (${cpu.toFixed(1)} s)${rss}`);
  }
  const self = process.cpuUsage();
  console.log(`  ${'load generator (all run)'.padEnd(26)} ${((self.user + self.system) / 1e6).toFixed(1)} s`);
  console.log(`  ${'total (stack)'.padEnd(26)} ${perTransfer(total * 1000).padStart(7)}   (${total.toFixed(1)} s of ${(2 * windowSeconds).toFixed(0)} s on 2 cores)`);
  const agree = ledgerMoved.equals(expected) && custodyMoved.equals(expected);
  console.log(`accounted for (whole run, ${succeededAll} succeeded): ledger moved ${ledgerMoved}, bank custody moved ${custodyMoved}, Σ succeeded ${expected}: ${agree ? 'agree' : 'DISAGREE'}`);
  if (pgbenchSeconds > 0) {
    const tps = pgbenchTps(info.postgres, pgbenchSeconds, 16);
    console.log(`pgbench -b tpcb-like (16 clients, ${pgbenchSeconds} s, same server): ${tps.toFixed(0)} tps; transfers/s ÷ pgbench tps = ${(done / windowSeconds / tps).toFixed(3)}`);
  }
  if (!agree) process.exitCode = 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
