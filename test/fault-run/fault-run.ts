import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { Money } from '@custody/money';
import type { StackControl, TestContext } from '../support/test-context';
import { AccountFunctions, type AccountFunctionOptions, planAccountFunctions, type PlannedAccountFunction } from './account-functions';
import { BankInitiatedLedger, settleBankSide } from './bank-side';
import { closeTheDay, type DayCloseReport } from './day-close';
import { type Disruption, Disruptor, planAdapterDisruptions } from './disruptions';
import { checkInvariants, type BankRecord, type HubAccount, type HubRelationship, type HubTransfer, type Snapshot } from './invariants';
import { fixtureSecrets, scanLogDirectory } from './log-scan';
import { Prng } from './prng';
import { type PoolMember, TransferPool } from './transfer-pool';

/**
 * The proof of issue 3: thousands of mixed transfers from both initiators across every simulated bank,
 * while faults are injected at random (replies dropped, delayed past the timeout or duplicated, requests
 * lost, connections closed, checksums corrupted) and services are killed with SIGKILL and restarted. When
 * everything has settled, the invariants of domain.md §2 are checked against both sides' books.
 *
 * Beside the transfers, the broker's account functions (issue 10; account-functions.ts): new customers designated
 * who then join the transfers, bank settlement accounts changed under running transfers, accounts emptied and
 * cancelled, and (when on) accounts moved to the other bank.
 *
 * Every choice comes from one seeded PRNG, so a seed names a run. Concurrency and the services' own timing
 * still interleave differently from run to run; the seed fixes what is asked and what breaks, not the
 * order the machine happens to do it in.
 */

export type OperationKind = 'S_DEPOSIT' | 'S_WITHDRAWAL' | 'B_DEPOSIT' | 'B_WITHDRAWAL' | 'B_REVERSAL';
export type FaultKind = 'DROP_REPLY' | 'DELAY_REPLY' | 'DROP_REQUEST' | 'CLOSE_CONNECTION' | 'CORRUPT_CHECKSUM' | 'DUPLICATE_REPLY';

export interface FaultRunOptions {
  readonly seed: number;
  /** How many transfers to ask for, across both initiators. */
  readonly transfers: number;
  /** Closed loop: this many workers, each asking its next transfer once the last one is answered. */
  readonly concurrency: number;
  /**
   * Open loop instead (issue 9): a transfer is asked every 1/rate s whatever the answers, so the hub meets more than it
   * can take; what its admission control refuses (`503 OVERLOADED`) is counted as shed and not asked again.
   */
  readonly ratePerSecond?: number;
  /** Fund accounts per bank; transfers spread over them. */
  readonly accountsPerBank: number;
  /** Probability that a fault is armed before a transfer is asked. */
  readonly faultRate: number;
  /** A service is SIGKILLed and restarted after every this many transfers (0: never). */
  readonly killEvery: number;
  /**
   * A second replica of one bank's adapter joins and leaves mid-run, and the other bank's adapter runs a while
   * with its clock 5 s off (disruptions.ts). Needs the stack's process control.
   */
  readonly disruptAdapters: boolean;
  /** The banks' requestTimeoutMs: a DELAY_REPLY longer than it is a timeout, shorter is only slow. */
  readonly requestTimeoutMs: number;
  readonly settleTimeoutMs: number;
  /** The account functions asked beside the transfers (none when absent); F-3.6 only with `bankChanges`. */
  readonly accountFunctions?: AccountFunctionOptions;
  readonly log: (line: string) => void;
}

/** How the run reaches the system: its public API and simulators, its database (read only), its processes. */
export interface FaultRunTarget {
  readonly ctx: TestContext;
  /** The hub's database, read at the end for the journal (I5); nothing is written through it. */
  readonly databaseUrl: string;
  /** The stack's processes (tools/stack/control-server.ts); without them the run kills nothing. */
  readonly stack?: StackControl;
  /** Where the stack's services write their logs; scanned at the end for the fixtures' secrets (log-scan.ts). */
  readonly logDir?: string;
}

export interface FaultRunReport {
  readonly seed: number;
  readonly durationMs: number;
  readonly asked: Record<OperationKind, number>;
  /** Final states, by initiator and status. */
  readonly outcomes: Record<string, number>;
  /** Requests refused before anything was sent (e.g. INSUFFICIENT_WITHDRAWABLE), by code. */
  readonly refused: Record<string, number>;
  readonly faults: Record<FaultKind, number>;
  /** What was done to the processes: kills, replicas started and stopped, clocks skewed and restored. */
  readonly disruptions: Record<string, number>;
  /** API calls repeated with the same requestId, by what the first try got: a killed service, no answer in time. */
  readonly retried: Record<string, number>;
  /** Transfer requests the hub refused as beyond its capacity (`503 OVERLOADED`); asked again only in the closed loop. */
  readonly shed: number;
  /** Open loop: how fast the transfers were in fact offered (the last one's start after the first's), per second. */
  readonly offeredPerSecond?: number;
  /** The bank's own transfers (or their reversals) left without a definite answer, which the bank then ended by reversal (F-4.3 B / F-4.4 B). */
  readonly bankEnded: number;
  /** The account functions asked beside the transfers, by kind and answer (account-functions.ts). */
  readonly accountFunctions: Record<string, number>;
  /** The close of the day after the run: its breaks, the adjustments applied, what no fault explains. */
  readonly day: DayCloseReport;
  /** domain.md §2's invariants (invariants.ts) and DAY: the date switched, every break resolved and explained. */
  readonly invariants: { readonly checks: Record<string, number>; readonly violations: readonly string[] };
}

/** Faults hit requests from the broker: transfers, their reversals (the saga's F-4.3 S / F-4.4 S) and queries. */
const FAULT_INSTRUCTIONS = ['12001', '12002', '12003', '12004', '12005'] as const;
const FUND_PASSWORD = '246810';
const WRONG_FUND_PASSWORD = '135799';

export async function runFaultRun(target: FaultRunTarget, options: FaultRunOptions): Promise<FaultRunReport> {
  const started = Date.now();
  const prng = new Prng(options.seed);
  const { ctx } = target;
  const report = {
    asked: { S_DEPOSIT: 0, S_WITHDRAWAL: 0, B_DEPOSIT: 0, B_WITHDRAWAL: 0, B_REVERSAL: 0 } as Record<OperationKind, number>,
    refused: {} as Record<string, number>,
    faults: { DROP_REPLY: 0, DELAY_REPLY: 0, DROP_REQUEST: 0, CLOSE_CONNECTION: 0, CORRUPT_CHECKSUM: 0, DUPLICATE_REPLY: 0 } as Record<FaultKind, number>,
    bankEnded: 0,
    retried: {} as Record<string, number>,
    shed: 0,
  };

  const load = options.ratePerSecond ? `offered at ${options.ratePerSecond}/s` : `concurrency ${options.concurrency}`;
  options.log(`fault run: seed ${options.seed}, ${options.transfers} transfers, ${load}, banks ${ctx.bankCodes.join(', ')}`);
  const population = await populate(ctx, options);
  options.log(`fault run: ${population.length} fund accounts designated`);

  // The plan is drawn up front from the seed, so workers racing for it cannot change what is asked; which account a
  // transfer goes to is a fraction of the pool as it is when it is asked (account functions change the pool).
  const plan = Array.from({ length: options.transfers }, (_, i) => planStep(prng, population, options, i));
  const accountFunctionPlan = options.accountFunctions ? planAccountFunctions(prng, plan.length, options.accountFunctions) : new Map<number, PlannedAccountFunction[]>();
  const disruptor = new Disruptor(target.stack, options.log);
  const adapters = [...new Set(population.map((a) => `bank-adapter-${a.bankCode}`))];
  const adapterDisruptions = options.disruptAdapters ? planAdapterDisruptions(new Prng(options.seed ^ 0x5eed), adapters, plan.length) : new Map<number, Disruption[]>();
  const bankInitiated = new BankInitiatedLedger();
  const pool = new TransferPool(population);
  const accountFunctions = new AccountFunctions(ctx, pool, bankInitiated, (customerNo) => setFundPassword(ctx, customerNo), FUND_PASSWORD, options.settleTimeoutMs, options.log);
  const ask = async (index: number): Promise<void> => {
    const step = plan[index]!;
    for (const disruption of adapterDisruptions.get(index) ?? []) disruptor.schedule(disruption);
    for (const planned of accountFunctionPlan.get(index) ?? []) accountFunctions.start(planned);
    if (step.fault) {
      await ctx.banks[step.fault.bankCode]!.injectFault(step.fault.fault);
      report.faults[step.fault.fault.kind] += 1;
    }
    if (step.kill) disruptor.schedule({ kind: 'KILL', name: step.kill, restartAfterMs: step.restartAfterMs });
    report.asked[step.kind] += 1;
    await perform(ctx, step, pool, bankInitiated, report, { retryShed: options.ratePerSecond === undefined });
  };
  const offeredPerSecond = options.ratePerSecond ? await offerAtRate(plan.length, options.ratePerSecond, ask) : undefined;
  if (!options.ratePerSecond) await askInTurn(plan.length, options.concurrency, ask);
  await accountFunctions.finish();
  await disruptor.finish();
  options.log(`fault run: all ${plan.length} transfers asked in ${Math.round((Date.now() - started) / 1000)} s; clearing faults and settling`);
  for (const bank of Object.values(ctx.banks)) await bank.clearFaults();

  const endedByBank = await settleBankSide(ctx, bankInitiated, options.settleTimeoutMs, options.log);
  report.bankEnded = endedByBank.size;
  await settle(ctx, options);
  // The day's close comes after: reconciliation's adjustments are part of what I3 then checks.
  const answersLost = new Set([...bankInitiated.answersLost, ...endedByBank]);
  const day = await closeTheDay(ctx, answersLost, options.settleTimeoutMs, options.log);
  const snapshot = await takeSnapshot(target, pool.all());
  const outcomes: Record<string, number> = {};
  for (const t of snapshot.transfers) outcomes[`${t.initiator} ${t.status}`] = (outcomes[`${t.initiator} ${t.status}`] ?? 0) + 1;
  const invariants = checkInvariants(snapshot);
  const logs = target.logDir ? await checkLogs(target.logDir, pool.all(), report.faults.DROP_REQUEST > 0) : { checks: {}, violations: [] };
  return {
    seed: options.seed,
    durationMs: Date.now() - started,
    ...report,
    ...(offeredPerSecond === undefined ? {} : { offeredPerSecond: Math.round(offeredPerSecond) }),
    disruptions: disruptor.done,
    accountFunctions: accountFunctions.outcomes,
    outcomes,
    day,
    invariants: {
      checks: { ...invariants.checks, DAY: Object.values(day.breaks).reduce((a, b) => a + b, 0) + 1, ...logs.checks },
      violations: [...invariants.violations, ...day.violations, ...logs.violations],
    },
  };
}

/**
 * LOGS (issue 11): no line of the stack's logs holds a secret of the run's fixtures, every line the bank adapter
 * logged while handling a call carries its trace id and correlation id, and every line a consumer logged about a
 * message outside its handler its correlation id (log-scan.ts). A request the simulator dropped always makes
 * the adapter log the unanswered call: with one, a scan that met no such line would have checked nothing.
 */
async function checkLogs(logDir: string, members: readonly PoolMember[], unansweredCallsLogged: boolean): Promise<{ checks: Record<string, number>; violations: string[] }> {
  const found = await scanLogDirectory(logDir, fixtureSecrets(members, [FUND_PASSWORD, WRONG_FUND_PASSWORD]));
  const violations = [...found.leaks.map((leak) => `LOGS: ${leak}`), ...found.untraced.map((line) => `LOGS: ${line}`)];
  if (unansweredCallsLogged && found.handlerLines === 0) violations.push('LOGS: no line logged while a bank call was handled: nothing to check trace and correlation ids on');
  return { checks: { LOGS: found.lines + found.handlerLines }, violations };
}

interface PlannedStep {
  readonly kind: OperationKind;
  /** Which account of the pool, as a fraction of those taking transfers when the step is asked. */
  readonly accountPick: number;
  readonly amount: Money;
  readonly requestId: string;
  /** B_WITHDRAWAL: the customer sometimes mistypes the fund password (2001, nothing moves). */
  readonly wrongPassword: boolean;
  /** B_REVERSAL: which of the bank's transfers so far it reverses. */
  readonly pick: number;
  readonly fault?: { readonly bankCode: string; readonly fault: { kind: FaultKind; instrCd: string; times: number; delayMs?: number } };
  readonly kill?: string;
  readonly restartAfterMs: number;
}

function planStep(prng: Prng, population: readonly PoolMember[], options: FaultRunOptions, index: number): PlannedStep {
  const kind = prng.weighted<OperationKind>({ S_DEPOSIT: 30, S_WITHDRAWAL: 25, B_DEPOSIT: 20, B_WITHDRAWAL: 15, B_REVERSAL: 10 });
  // One draw, as the pick of an account from the initial population was: a seed's plan is what it was before the pool.
  const accountPick = prng.next();
  // Withdrawals sometimes ask for more than is there: I7 must refuse them, never overdraw.
  const withdrawal = kind === 'S_WITHDRAWAL' || kind === 'B_WITHDRAWAL';
  const amount = prng.amount(Money.parse('0.01'), Money.parse(withdrawal ? '3000.00' : '2000.00'));
  const fault = prng.chance(options.faultRate)
    ? (() => {
        const faultKind = prng.weighted<FaultKind>({ DROP_REPLY: 3, DELAY_REPLY: 3, DROP_REQUEST: 2, CLOSE_CONNECTION: 1, CORRUPT_CHECKSUM: 2, DUPLICATE_REPLY: 1 });
        const delayMs = faultKind === 'DELAY_REPLY' ? (prng.chance(0.5) ? options.requestTimeoutMs + 500 : prng.int(50, 400)) : undefined;
        return { bankCode: prng.pick(population).bankCode, fault: { kind: faultKind, instrCd: prng.pick(FAULT_INSTRUCTIONS), times: 1, ...(delayMs === undefined ? {} : { delayMs }) } };
      })()
    : undefined;
  const services = ['transfer', 'saga', ...new Set(population.map((a) => `bank-adapter-${a.bankCode}`))];
  const kill = options.killEvery > 0 && index > 0 && index % options.killEvery === 0 ? prng.pick(services) : undefined;
  return { kind, accountPick, amount, requestId: randomUUID(), wrongPassword: prng.chance(0.05), pick: prng.next(), fault, kill, restartAfterMs: prng.int(0, 1500) };
}

/**
 * Customers with a primary fund account each, designated at every bank in turn, with a fund password for F-4.2 B;
 * the holder is kept, for the bank accounts F-3.4 and F-3.6 open in their name.
 */
async function populate(ctx: TestContext, options: FaultRunOptions): Promise<PoolMember[]> {
  const accounts: PoolMember[] = [];
  for (const bankCode of ctx.bankCodes) {
    const designated = await Promise.all(
      Array.from({ length: options.accountsPerBank }, async (): Promise<PoolMember> => {
        const customer = await ctx.newCustomer();
        const d = await ctx.designate(customer, await ctx.newFundAccount(customer.customerNo), bankCode, '100000000.00');
        return { customer, fundAccountNo: d.fundAccountNo, bankCode, bankAccountNo: d.bankAccountNo, bankPassword: d.bankPassword, custodyAccountNo: d.custodyAccountNo };
      }),
    );
    for (const d of designated) await setFundPassword(ctx, d.customer.customerNo);
    accounts.push(...designated);
  }
  return accounts;
}

async function setFundPassword(ctx: TestContext, customerNo: string): Promise<void> {
  const set = await ctx.api.call('PUT', `/v1/customers/${customerNo}/fund-password`, { password: FUND_PASSWORD });
  if (set.status !== 204) throw new Error(`fund password not set for ${customerNo}: ${set.status} ${JSON.stringify(set.body)}`);
}

/** A public API call that meets a killed service is repeated with the same requestId: it must take effect once. */
/** `concurrency` workers, each asking the next planned transfer once its last one was answered (closed loop). */
async function askInTurn(count: number, concurrency: number, ask: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await ask(next++);
    }),
  );
}

/**
 * One planned transfer every 1/rate s, whether or not the earlier ones were answered (open loop): the load a
 * market open puts on the hub, which it must shed rather than queue (issue 9).
 */
async function offerAtRate(count: number, ratePerSecond: number, ask: (index: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  const asked = new Set<Promise<void>>();
  // The first failure ends the run as the closed loop's would, once what was asked has come back.
  let failure: { error: unknown } | undefined;
  for (let index = 0; index < count && !failure; index++) {
    const wait = started + (index * 1000) / ratePerSecond - performance.now();
    if (wait > 0) await sleep(wait);
    const one: Promise<void> = ask(index)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => asked.delete(one));
    asked.add(one);
  }
  // The pace the hub met: this process's own load can hold the loop back from the planned one.
  const offeredPerSecond = (count - 1) / ((performance.now() - started) / 1000);
  await Promise.all(asked);
  if (failure) throw failure.error;
  return offeredPerSecond;
}

type PerformReport = { refused: Record<string, number>; retried: Record<string, number>; shed: number };

/**
 * One planned step on the pool as it is now. The account (for a bank reversal, the original's) is marked in flight
 * from the moment it is chosen until the step's answer is in, so that an account function taking it out of the pool
 * knows when the run has nothing more on its way there.
 */
async function perform(ctx: TestContext, step: PlannedStep, pool: TransferPool, bankInitiated: BankInitiatedLedger, report: PerformReport, options: { retryShed: boolean }): Promise<void> {
  if (step.kind === 'B_REVERSAL') {
    // The bank reverses nothing on an account taken out of the pool: it is being emptied, cancelled or moved.
    const original = bankInitiated.at(step.pick, (entry) => pool.isActive(entry.fundAccountNo));
    // 409 WRONG_STATE when that one already failed or was reversed: the bank has nothing to reverse.
    if (!original) return;
    pool.begin(original.fundAccountNo);
    try {
      const reversed = await ctx.banks[original.bankCode]!.reverseBankInitiated(original.serialNo).catch(() => undefined);
      bankInitiated.noteReversal(original, reversed);
      if (!reversed || (reversed.status === 201 && reversed.body.status === 'UNKNOWN')) {
        bankInitiated.reversalsInDoubt.set(`${original.bankCode}|${original.serialNo}`, original);
        bankInitiated.answersLost.add(original.serialNo);
      }
    } finally {
      pool.end(original.fundAccountNo);
    }
    return;
  }
  const account = pool.at(step.accountPick);
  if (!account) return;
  pool.begin(account.fundAccountNo);
  try {
    await performTransfer(ctx, step, account, bankInitiated, report, options);
  } finally {
    pool.end(account.fundAccountNo);
  }
}

/** A transfer on `account` where its relationship is now (its bank, its bank settlement account). */
async function performTransfer(
  ctx: TestContext,
  step: PlannedStep,
  account: PoolMember,
  bankInitiated: BankInitiatedLedger,
  report: PerformReport,
  { retryShed }: { retryShed: boolean },
): Promise<void> {
  const bank = ctx.banks[account.bankCode]!;
  // The bank's own channel: it answers for itself, and ends what it left open at the end (settleBankSide).
  if (step.kind === 'B_DEPOSIT' || step.kind === 'B_WITHDRAWAL') {
    const started = await bank
      .startBankInitiated({
        type: step.kind === 'B_DEPOSIT' ? 'BANK_TO_SECURITIES' : 'SECURITIES_TO_BANK',
        bankAccountNo: account.bankAccountNo,
        fundAccountNo: account.fundAccountNo,
        amount: step.amount.toString(),
        ...(step.kind === 'B_WITHDRAWAL' ? { fundPassword: step.wrongPassword ? WRONG_FUND_PASSWORD : FUND_PASSWORD } : {}),
      })
      .catch(() => undefined);
    if (started?.status === 201) bankInitiated.add({ bankCode: account.bankCode, serialNo: started.body.serialNo, fundAccountNo: account.fundAccountNo });
    if (started?.status === 201 && started.body.status === 'UNKNOWN') bankInitiated.answersLost.add(started.body.serialNo);
    // The simulator answers 201 for every transfer it started, whatever the broker said; its refusals are 4xx.
    else if (started && started.status !== 201) report.refused[`bank ${started.status}`] = (report.refused[`bank ${started.status}`] ?? 0) + 1;
    return;
  }
  const body = {
    requestId: step.requestId,
    type: step.kind === 'S_DEPOSIT' ? 'BANK_TO_SECURITIES' : 'SECURITIES_TO_BANK',
    fundAccountNo: account.fundAccountNo,
    currency: 'CNY',
    amount: step.amount.toString(),
    ...(step.kind === 'S_DEPOSIT' ? { bankPassword: account.bankPassword } : {}),
  };
  for (let attempt = 1; ; attempt++) {
    const result = await ctx.api.call<{ code?: string }>('POST', '/v1/transfers?waitMs=2000', body).catch(() => ({ status: 0, body: {} as { code?: string } }));
    if (result.status === 201) return;
    // Refused as beyond capacity, before anything was created (docs/design.md "Load beyond capacity is shed"): the
    // closed loop's client waits out Retry-After (1 s) and asks again; the open loop's offered request stays refused.
    const shed = result.status === 503 && result.body.code === 'OVERLOADED';
    if (shed) report.shed += 1;
    if (shed && !retryShed) return;
    if (result.status >= 400 && result.status < 500) {
      const code = result.body.code ?? `HTTP ${result.status}`;
      report.refused[code] = (report.refused[code] ?? 0) + 1;
      return;
    }
    if (attempt >= 60) throw new Error(`transfer ${step.requestId} could not be asked: the API answered ${result.status} ${attempt} times`);
    if (!shed) {
      const why = result.status === 0 ? 'no answer' : `HTTP ${result.status}${result.body.code ? ` ${result.body.code}` : ''}`;
      report.retried[why] = (report.retried[why] ?? 0) + 1;
    }
    await sleep(shed ? 1000 : 500);
  }
}

/** Waits until no transfer at the hub is PENDING or UNKNOWN (the hub ends its own; the run only waits). */
async function settle(ctx: TestContext, options: FaultRunOptions): Promise<void> {
  const deadline = Date.now() + options.settleTimeoutMs;
  let open = Infinity;
  while (Date.now() < deadline) {
    const [unknown, pending] = await Promise.all([openTransfers(ctx, 'UNKNOWN'), openTransfers(ctx, 'PENDING')]);
    open = unknown + pending;
    if (open === 0) return;
    await sleep(500);
  }
  options.log(`fault run: ${open} transfers still open after ${options.settleTimeoutMs} ms; checking anyway (they count as violations)`);
}

async function openTransfers(ctx: TestContext, status: 'UNKNOWN' | 'PENDING'): Promise<number> {
  const result = await ctx.api.call<{ items: unknown[] }>('GET', `/v1/transfers?status=${status}&limit=500`, undefined, 'operator');
  return result.status === 200 ? result.body.items.length : Infinity;
}

async function takeSnapshot(target: FaultRunTarget, everyAccount: readonly PoolMember[]): Promise<Snapshot> {
  const { ctx } = target;
  const accounts: HubAccount[] = [];
  const transfers: HubTransfer[] = [];
  for (const account of everyAccount) {
    const balance = await ctx.balances(account.fundAccountNo);
    const relationships = await relationshipsOf(ctx, account.fundAccountNo);
    accounts.push({ fundAccountNo: account.fundAccountNo, relationships, balance: balance.balance, available: balance.available, frozen: balance.frozen });
    transfers.push(...(await transfersOf(ctx, account.fundAccountNo)));
  }
  const banks = await Promise.all(
    ctx.bankCodes.map(async (bankCode) => {
      const books = await ctx.banks[bankCode]!.books();
      const records = new Map<string, BankRecord>();
      const openBankInitiated: string[] = [];
      for (const transfer of transfers.filter((t) => t.bankCode === bankCode)) {
        const record = await ctx.banks[bankCode]!.transaction(transfer.serialNo);
        if (record.status !== 200) continue;
        const status = record.body.status;
        const open = status === 'PENDING' || status === 'UNKNOWN';
        if (transfer.initiator === 'B' && open) openBankInitiated.push(transfer.serialNo);
        // MANUAL: the broker refused a reversal (2008), the money stays moved. A bank-initiated deposit moved the
        // bank's side when it started (a withdrawal only holds until the broker's 0000), so an open one has moved.
        const moved = status === 'SUCCEEDED' || status === 'MANUAL' || (open && transfer.initiator === 'B' && transfer.type === 'BANK_TO_SECURITIES');
        records.set(transfer.serialNo, { status, moved });
      }
      return {
        bankCode,
        summary: books.summary.CNY ?? '0.00',
        custody: books.custodyAccounts
          .filter((c) => c.currency === 'CNY')
          .map((c) => ({ custodyAccountNo: c.custodyAccountNo, fundAccountNo: c.fundAccountNo, balance: c.balance, status: c.status })),
        records,
        openBankInitiated,
      };
    }),
  );
  return { accounts, transfers, banks, journal: await journalFacts(target.databaseUrl) };
}

/** Every CNY relationship the fund account had, as the hub shows it (the cancelled ones too). */
async function relationshipsOf(ctx: TestContext, fundAccountNo: string): Promise<HubRelationship[]> {
  const account = await ctx.api.call<{ relationships: Array<HubRelationship & { currency: string }> }>('GET', `/v1/fund-accounts/${fundAccountNo}`);
  if (account.status !== 200) throw new Error(`cannot read the fund account ${fundAccountNo}: ${account.status}`);
  return account.body.relationships.filter((r) => r.currency === 'CNY').map(({ bankCode, custodyAccountNo, status }) => ({ bankCode, custodyAccountNo, status }));
}

async function transfersOf(ctx: TestContext, fundAccountNo: string): Promise<HubTransfer[]> {
  const all: HubTransfer[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.api.call<{ items: HubTransfer[]; nextCursor?: string }>(
      'GET',
      `/v1/transfers?fundAccountNo=${fundAccountNo}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      undefined,
      'operator',
    );
    if (page.status !== 200) throw new Error(`cannot list transfers of ${fundAccountNo}: ${page.status}`);
    all.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return all;
}

/** Read only: the journal's own sums (I5), which the public API does not expose line by line. */
async function journalFacts(databaseUrl: string): Promise<Snapshot['journal']> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const unbalanced = await db.query<{ posting_id: string; sum: string }>(
      `SELECT posting_id, sum(amount)::text AS sum FROM transfer.journal_lines GROUP BY posting_id HAVING sum(amount) <> 0`,
    );
    const effects = await db.query<{ source_id: string; sum: string }>(
      `SELECT source_id, sum(amount)::text AS sum FROM transfer.journal_lines WHERE source = 'TRANSFER' AND fund_account_no IS NOT NULL GROUP BY source_id`,
    );
    return {
      unbalancedPostings: unbalanced.rows.map((r) => ({ postingId: r.posting_id, sum: r.sum })),
      effectByTransfer: new Map(effects.rows.map((r) => [r.source_id, r.sum])),
    };
  } finally {
    await db.end();
  }
}

/** The figures a run prints, one fact per line. */
export function formatReport(report: FaultRunReport): string {
  const line = (label: string, values: Record<string, number>) =>
    `${label.padEnd(14)}${Object.entries(values).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`;
  const checks = Object.values(report.invariants.checks).reduce((a, b) => a + b, 0);
  return [
    `seed          ${report.seed}`,
    `duration      ${(report.durationMs / 1000).toFixed(1)} s`,
    line('asked', report.asked),
    line('outcomes', report.outcomes),
    line('refused', report.refused),
    line('faults', report.faults),
    line('disruptions', report.disruptions),
    line('account fns', report.accountFunctions),
    line('retried', report.retried),
    ...(report.offeredPerSecond === undefined ? [] : [`offered       ${report.offeredPerSecond} transfers/s (open loop)`]),
    `shed          ${report.shed} transfer requests refused as beyond capacity (503 OVERLOADED)`,
    `bank ended    ${report.bankEnded} of its own transfers left unanswered, by reversal`,
    `day           ${report.day.businessDate} closed, switched to ${report.day.nextBusinessDate ?? 'nothing (not switched)'}`,
    line('breaks', report.day.breaks),
    line('adjusted', report.day.applied),
    line('checks', report.invariants.checks),
    `violations    ${report.invariants.violations.length} (of ${checks} checks)`,
    ...report.invariants.violations.slice(0, 50).map((v) => `  ${v}`),
  ].join('\n');
}
