import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Money } from '@custody/money';
import { uniqueDigits } from '@custody/testing';
import type { HttpResult, TestContext } from '../support/test-context';
import { type BankInitiatedLedger, endOpenOnAccount } from './bank-side';
import type { Prng } from './prng';
import type { PoolMember, TransferPool } from './transfer-pool';


/**
 * How long an account function waits for the hub to end the account's transfers before it goes ahead anyway (and is
 * refused for what is in flight, which the run counts): a reversal the faults keep unanswered can take minutes to
 * end (seen in CI: ~3 min), and the run's budget is for transfers, not for waiting on one account.
 */
const QUIESCE_WAIT_MS = 60_000;
/**
 * The broker's account functions (domain.md §3) asked while the transfers run (issue 10), through the public API as
 * a branch counter asks them:
 * - DESIGNATION (F-3.3 S): a new customer's fund account designated at a bank; it joins the transfer pool once
 *   DESIGNATED;
 * - BANK_ACCOUNT_CHANGE (F-3.4 S): an account of the pool moved to a second bank account of the same holder at the
 *   same bank, while transfers on it go on (a transfer may race the change; both must end consistent);
 * - CANCELLATION (F-3.8 S): an account taken out of the pool, its transfers left to end, everything withdrawn, then
 *   cancelled; a refusal because something is still in flight is retried once things settle;
 * - BANK_CHANGE (F-3.6 S, `bankChanges`): an account taken out of the pool, its transfers left to end, moved to the
 *   other bank (a bank account opened there for the holder first), and put back in the pool under its new bank.
 * Outcomes are counted by kind and answer; every one of them is then checked by the invariants and the day's close.
 */

export type AccountFunctionKind = 'DESIGNATION' | 'BANK_ACCOUNT_CHANGE' | 'CANCELLATION' | 'BANK_CHANGE';

export interface AccountFunctionOptions {
  /** How many of each kind a run asks (0: none). */
  readonly perKind: number;
  /** F-3.6 S too. */
  readonly bankChanges: boolean;
}

export interface PlannedAccountFunction {
  readonly kind: AccountFunctionKind;
  /** Which account, as a fraction of those free when it starts; for a designation, which bank. */
  readonly pick: number;
  /** F-3.6: which of the other banks. */
  readonly bankPick: number;
}

/** The bank password of every bank account the run opens (F-4.1 S and F-3.4's check against the old account). */
const BANK_PASSWORD = '135790';
/** What a new customer holds at their bank: enough for every deposit the run can ask. */
const BANK_BALANCE = '100000000.00';
/** A refused cancellation is tried this many times in all, each after the account settled again. */
const CANCELLATION_ATTEMPTS = 4;
const BANK_CHANGE_ATTEMPTS = 3;

/**
 * The account functions of a run of `transfers`, by the index of the transfer they come with: spread over the
 * middle of the run (a tenth to four fifths of the way), where the transfers, faults and kills are. Drawn after the
 * transfers' plan from the same PRNG, so that a seed's transfers and faults stay what they were.
 */
export function planAccountFunctions(prng: Prng, transfers: number, options: AccountFunctionOptions): Map<number, PlannedAccountFunction[]> {
  const plan = new Map<number, PlannedAccountFunction[]>();
  const kinds: AccountFunctionKind[] = ['DESIGNATION', 'BANK_ACCOUNT_CHANGE', 'CANCELLATION', ...(options.bankChanges ? (['BANK_CHANGE'] as const) : [])];
  if (transfers < 10) return plan;
  for (const kind of kinds) {
    for (let n = 0; n < options.perKind; n++) {
      const index = prng.int(Math.floor(transfers * 0.1), Math.floor(transfers * 0.8));
      plan.set(index, [...(plan.get(index) ?? []), { kind, pick: prng.next(), bankPick: prng.next() }]);
    }
  }
  return plan;
}

interface Relationship {
  fundAccountNo: string;
  bankCode: string;
  bankAccountNo?: string;
  custodyAccountNo?: string;
  status: string;
  code?: string;
  bankReturnCode?: string;
}

/** A fund password for F-4.2 B, the same the initial population has. */
export type FundPasswordSetter = (customerNo: string) => Promise<void>;

/** Runs the planned account functions beside the transfers; `finish` waits for them and fails with the first defect. */
export class AccountFunctions {
  /** By kind and answer (e.g. `CANCELLATION CANCELLED`, `CANCELLATION refused CANCELLATION_REFUSED`). */
  readonly outcomes: Record<string, number> = {};
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly ctx: TestContext,
    private readonly pool: TransferPool,
    private readonly bankInitiated: BankInitiatedLedger,
    private readonly setFundPassword: FundPasswordSetter,
    /** The customers' fund password, which the bank's resend of its own withdrawal carries again. */
    private readonly fundPassword: string,
    private readonly settleTimeoutMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts one, without waiting for it: the transfers go on meanwhile. */
  start(planned: PlannedAccountFunction): void {
    const one: Promise<void> = this.perform(planned)
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(one));
    this.running.add(one);
  }

  async finish(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
    if (this.failure) throw this.failure.error;
  }

  private count(outcome: string): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }

  private perform(planned: PlannedAccountFunction): Promise<void> {
    switch (planned.kind) {
      case 'DESIGNATION':
        return this.designate(this.ctx.bankCodes[Math.floor(planned.pick * this.ctx.bankCodes.length)]!);
      case 'BANK_ACCOUNT_CHANGE':
        return this.withClaimed(planned, (member) => this.changeBankAccount(member));
      // Both close a custody account (11004): not one on which the bank holds something only an operator ends.
      case 'CANCELLATION':
        return this.withClaimed(planned, (member) => this.cancel(member), this.closable);
      case 'BANK_CHANGE':
        return this.withClaimed(planned, (member) => this.changeBank(member, planned.bankPick), this.closable);
    }
  }

  private readonly closable = (member: PoolMember): boolean => !this.bankInitiated.stuckAtBank.has(member.fundAccountNo);

  /** One account no other account function works on, for the length of `work`. */
  private async withClaimed(planned: PlannedAccountFunction, work: (member: PoolMember) => Promise<void>, accept?: (member: PoolMember) => boolean): Promise<void> {
    const member = this.pool.claim(planned.pick, accept);
    if (!member) {
      this.count(`${planned.kind} no free account`);
      return;
    }
    try {
      await work(member);
    } finally {
      this.pool.release(member);
    }
  }

  /** F-3.3 S: a new customer and fund account designated at `bankCode`; the account takes transfers once DESIGNATED. */
  private async designate(bankCode: string): Promise<void> {
    const prepared = await this.setUp('DESIGNATION', async () => {
      const customer = await this.ctx.newCustomer();
      const fundAccountNo = await this.ctx.newFundAccount(customer.customerNo);
      return { customer, fundAccountNo, bankAccountNo: await this.openBankAccount(customer, bankCode) };
    });
    if (!prepared) return;
    const { customer, fundAccountNo, bankAccountNo } = prepared;
    const body = { requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode, bankAccountNo, bankPassword: BANK_PASSWORD };
    const answer = await this.answered<Relationship>('POST', '/v1/custody/designations?waitMs=15000', body);
    if (answer.status !== 201 || answer.body.status !== 'DESIGNATED') {
      this.count(`DESIGNATION refused ${problemOf(answer)}`);
      return;
    }
    await this.connected(() => this.setFundPassword(customer.customerNo));
    this.pool.join({ customer, fundAccountNo, bankCode, bankAccountNo, bankPassword: BANK_PASSWORD, custodyAccountNo: answer.body.custodyAccountNo! });
    this.count('DESIGNATION DESIGNATED');
  }

  /**
   * F-3.4 S on an account that keeps taking transfers: a transfer asked while the 11006 is on its way may go to the
   * old account or be refused by the bank; the run's own bank-channel transfers use the new account once the answer
   * is in.
   */
  private async changeBankAccount(member: PoolMember): Promise<void> {
    const newBankAccountNo = await this.setUp('BANK_ACCOUNT_CHANGE', () => this.openBankAccount(member.customer, member.bankCode));
    if (!newBankAccountNo) return;
    const body = { requestId: randomUUID(), fundAccountNo: member.fundAccountNo, currency: 'CNY', oldBankAccountNo: member.bankAccountNo, newBankAccountNo, bankPassword: member.bankPassword };
    const answer = await this.answered<Relationship>('POST', '/v1/custody/bank-account-changes?waitMs=15000', body);
    if (answer.status !== 201) {
      this.count(`BANK_ACCOUNT_CHANGE refused ${problemOf(answer)}`);
      return;
    }
    if (answer.body.bankAccountNo !== newBankAccountNo) throw new Error(`F-3.4 answered 201 without the new account: ${JSON.stringify(answer.body)}`);
    member.bankAccountNo = newBankAccountNo;
    this.count(`BANK_ACCOUNT_CHANGE ${answer.body.status}`);
  }

  /**
   * F-3.8 S: out of the pool, its transfers ended, everything withdrawn, cancelled. A refusal (something still in
   * flight at either side, a balance that came back) is tried again after the account settled again; an account
   * that still cannot be cancelled goes back to the pool.
   */
  private async cancel(member: PoolMember): Promise<void> {
    this.pool.takeOut(member);
    for (let attempt = 1; attempt <= CANCELLATION_ATTEMPTS; attempt++) {
      await this.quiesce(member);
      if (!(await this.withdrawEverything(member))) {
        this.count('CANCELLATION balance left');
        continue;
      }
      const body = { requestId: randomUUID(), fundAccountNo: member.fundAccountNo, currency: 'CNY' };
      const answer = await this.answered<Relationship>('POST', '/v1/custody/cancellations?waitMs=15000', body);
      if (answer.status === 201 && answer.body.status === 'CANCELLED') {
        this.count('CANCELLATION CANCELLED');
        return;
      }
      this.count(`CANCELLATION refused ${problemOf(answer)}`);
      if ((answer.body as { bankReturnCode?: string }).bankReturnCode === '5318') await this.logOpenAtBank(member);
      // A reversal still in flight when the account left the pool lost its answer: only an operator ends that.
      if (this.bankInitiated.stuckAtBank.has(member.fundAccountNo)) break;
      await sleep(1000);
    }
    this.count('CANCELLATION given up, back in the pool');
    this.pool.putBack(member);
  }

  /**
   * F-3.6 S: out of the pool, its transfers ended, a bank account opened for the holder at the other bank, the change
   * asked; back in the pool under the bank the answer names (the old one when it was refused).
   */
  private async changeBank(member: PoolMember, bankPick: number): Promise<void> {
    const others = this.ctx.bankCodes.filter((b) => b !== member.bankCode);
    if (others.length === 0) {
      this.count('BANK_CHANGE no other bank');
      return;
    }
    const newBankCode = others[Math.floor(bankPick * others.length)]!;
    this.pool.takeOut(member);
    try {
      await this.quiesce(member);
      const newBankAccountNo = await this.setUp('BANK_CHANGE', () => this.openBankAccount(member.customer, newBankCode));
      if (!newBankAccountNo) return;
      const ask = () => {
        const body = { requestId: randomUUID(), fundAccountNo: member.fundAccountNo, currency: 'CNY', newBankCode, newBankAccountNo, bankPassword: member.bankPassword };
        return this.answered<Relationship>('POST', '/v1/custody/bank-changes?waitMs=15000', body);
      };
      let answer = await ask();
      // A transfer still in flight (one the faults keep unanswered past the quiesce's wait) refuses it: asked again
      // once the account settled again, as a customer would be told to.
      for (let attempt = 2; attempt <= BANK_CHANGE_ATTEMPTS && problemOf(answer) === 'BANK_CHANGE_REFUSED'; attempt++) {
        this.count('BANK_CHANGE refused BANK_CHANGE_REFUSED, asked again once settled');
        await sleep(1000);
        await this.quiesce(member);
        answer = await ask();
      }
      if (answer.status !== 201) {
        this.count(`BANK_CHANGE refused ${problemOf(answer)}`);
        return;
      }
      let status = answer.body.status;
      // A new bank that asks for confirmation leaves it PRE_DESIGNATED: the customer confirms at its counter (F-3.2 B).
      if (status === 'PRE_DESIGNATED') {
        const confirmed = await this.ctx.banks[newBankCode]!.startConfirmation({ bankAccountNo: newBankAccountNo, fundAccountNo: member.fundAccountNo });
        status = confirmed.body.returnCode === '0000' ? 'DESIGNATED' : `PRE_DESIGNATED, confirmation ${confirmed.body.returnCode ?? confirmed.status}`;
      }
      this.count(`BANK_CHANGE ${status}`);
      if (status !== 'DESIGNATED') return;
      member.bankCode = newBankCode;
      member.bankAccountNo = newBankAccountNo;
      member.custodyAccountNo = answer.body.custodyAccountNo ?? member.custodyAccountNo;
    } finally {
      this.pool.putBack(member);
    }
  }

  /**
   * Until nothing is on its way on the account: the run's own requests answered, the bank's own transfers on it
   * ended (it sends again those it got no answer to), and none PENDING or UNKNOWN at the hub
   * (the hub ends its own; the run only waits).
   */
  private async quiesce(member: PoolMember): Promise<void> {
    await this.pool.idle(member.fundAccountNo);
    const ended = await endOpenOnAccount(this.ctx, this.bankInitiated, member.fundAccountNo, this.fundPassword, this.settleTimeoutMs, this.log);
    for (const serialNo of ended) this.bankInitiated.answersLost.add(serialNo);
    const waitMs = Math.min(this.settleTimeoutMs, QUIESCE_WAIT_MS);
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      const open = await Promise.all(
        ['PENDING', 'UNKNOWN'].map((status) => this.ctx.api.call<{ items: unknown[] }>('GET', `/v1/transfers?fundAccountNo=${member.fundAccountNo}&status=${status}&limit=10`, undefined, 'operator').catch(() => undefined)),
      );
      if (open.every((r) => r?.status === 200 && r.body.items.length === 0)) return;
      await sleep(500);
    }
    this.log(`fault run: ${member.fundAccountNo} still has transfers open after ${waitMs} ms; going ahead`);
  }

  /** Why the bank still sees a transfer in flight (5318): its own records on the account that are not ended. */
  private async logOpenAtBank(member: PoolMember): Promise<void> {
    const books = await this.ctx.banks[member.bankCode]!.books();
    const open = books.transactions.filter((t) => t.fundAccountNo === member.fundAccountNo && ['PENDING', 'UNKNOWN', 'MANUAL'].includes(t.status));
    this.log(`fault run: F-3.8 of ${member.fundAccountNo} refused 5318; open at ${member.bankCode}: ${open.map((t) => `${t.instrCd} ${t.serialNo} ${t.status}`).join(', ') || 'nothing'}`);
  }

  /** F-4.2 S of the whole withdrawable balance until the ledger holds nothing; false if it still holds something. */
  private async withdrawEverything(member: PoolMember): Promise<boolean> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const balance = await this.balanceOf(member.fundAccountNo);
      if (Money.parse(balance.balance, 'signed').isZero() && Money.parse(balance.frozen, 'signed').isZero()) return true;
      const amount = Money.parse(balance.withdrawable, 'signed');
      if (!amount.isPositive()) {
        await this.quiesce(member);
        continue;
      }
      const body = { requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: member.fundAccountNo, currency: 'CNY', amount: amount.toString() };
      const asked = await this.answered<{ transferId?: string; status?: string; code?: string }>('POST', '/v1/transfers?waitMs=5000', body);
      if (asked.status !== 201 || !asked.body.transferId) {
        this.count(`CANCELLATION withdrawal refused ${problemOf(asked)}`);
        continue;
      }
      const final = await this.definite(asked.body.transferId);
      this.count(`CANCELLATION withdrawal ${final}`);
    }
    const left = await this.balanceOf(member.fundAccountNo);
    return Money.parse(left.balance, 'signed').isZero() && Money.parse(left.frozen, 'signed').isZero();
  }

  /** The transfer's final state: the hub ends every UNKNOWN by query, resend or reversal; the run only waits. */
  private async definite(transferId: string): Promise<string> {
    const deadline = Date.now() + this.settleTimeoutMs;
    let status = 'PENDING';
    while (Date.now() < deadline) {
      const read = await this.ctx.api.call<{ status: string }>('GET', `/v1/transfers/${transferId}`).catch(() => undefined);
      if (read?.status === 200) status = read.body.status;
      if (status === 'SUCCEEDED' || status === 'FAILED' || status === 'REVERSED') return status;
      await sleep(500);
    }
    return status;
  }

  /** The ledger's CNY balances, asked again while the transfer service is down (it is killed now and then). */
  private async balanceOf(fundAccountNo: string): Promise<{ balance: string; withdrawable: string; frozen: string }> {
    const read = await this.answered<Array<{ currency: string; balance: string; withdrawable: string; frozen: string }>>('GET', `/v1/fund-accounts/${fundAccountNo}/balances`);
    const cny = Array.isArray(read.body) ? read.body.find((b) => b.currency === 'CNY') : undefined;
    if (read.status !== 200 || !cny) throw new Error(`no balances of ${fundAccountNo}: ${read.status} ${JSON.stringify(read.body)}`);
    return cny;
  }

  /** A bank account of the holder at `bankCode`, with the run's bank password (F-3.4 checks it against the old one). */
  private async openBankAccount(holder: PoolMember['customer'], bankCode: string): Promise<string> {
    const bankAccountNo = `62${uniqueDigits(17)}`;
    await this.ctx.banks[bankCode]!.openBankAccount({ bankAccountNo, name: holder.name, idType: holder.idType, idNumber: holder.idNumber, password: BANK_PASSWORD, balance: BANK_BALANCE });
    return bankAccountNo;
  }

  /**
   * The run's own set-up for an account function (a customer, a fund account, an account at the bank). At more load
   * than the hub serves, the ingress or the simulator may take no connection for seconds: the function is then not
   * started, and counted — what was made is a customer or an account nothing refers to.
   */
  private async setUp<T>(kind: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (!isNoConnection(error)) throw error;
      this.count(`${kind} not started: its set-up got no connection`);
      return undefined;
    }
  }

  /** `work` is idempotent (a PUT): asked again while no connection is taken, until the settle time is over. */
  private async connected<T>(work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.settleTimeoutMs;
    for (;;) {
      try {
        return await work();
      } catch (error) {
        if (!isNoConnection(error) || Date.now() > deadline) throw error;
        await sleep(500);
      }
    }
  }

  /**
   * Asks until the answer is the outcome: a 202 (the bank has not answered yet), a killed service (no answer, 5xx) or
   * shed load (503 OVERLOADED) is asked again with the same body — the same requestId, so it takes effect once. A
   * `503 BANK_UNAVAILABLE` (the bank's circuit breaker is open; nothing was sent, nothing changed) is the request's
   * answer, which its requestId would return for ever: it is asked again under a new one once the breaker may have
   * closed, and counted.
   */
  private async answered<T>(method: string, path: string, body?: Record<string, unknown>): Promise<HttpResult<T>> {
    const deadline = Date.now() + this.settleTimeoutMs;
    let asked = body;
    for (;;) {
      const result = await this.ctx.api.call<T>(method, path, asked).catch(() => ({ status: 0, body: {} as T, contentType: '' }));
      if (result.status !== 0 && result.status !== 202 && result.status < 500) return result;
      if (Date.now() > deadline) throw new Error(`${method} ${path} got no answer in ${this.settleTimeoutMs} ms: last ${result.status} ${JSON.stringify(result.body)}`);
      const unavailable = result.status === 503 && (result.body as { code?: string }).code === 'BANK_UNAVAILABLE';
      if (unavailable && asked?.requestId) {
        this.count(`${path.split('?')[0]} BANK_UNAVAILABLE, asked again`);
        asked = { ...asked, requestId: randomUUID() };
      }
      await sleep(result.status === 202 ? 200 : unavailable ? 2000 : 500);
    }
  }
}

/** fetch's failure to connect or to get an answer at all (undici's "fetch failed"), as opposed to an HTTP answer. */
function isNoConnection(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'fetch failed';
}

/** A problem's code (and the bank's code of a BANK_REJECTED), for the outcome counts. */
function problemOf(answer: HttpResult<unknown>): string {
  const body = answer.body as { code?: string; bankReturnCode?: string; status?: string };
  if (body.code) return body.bankReturnCode ? `${body.code} ${body.bankReturnCode}` : body.code;
  return `HTTP ${answer.status}${body.status ? ` ${body.status}` : ''}`;
}
