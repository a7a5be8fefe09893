import type { Customer } from '../support/test-context';

/**
 * A fund account the run transfers on, with where its custody relationship is now. The account functions change
 * these while transfers run: F-3.4 the bank settlement account, F-3.6 the bank; so every transfer reads them when it
 * is asked, not when it was planned.
 */
export interface PoolMember {
  readonly customer: Customer;
  readonly fundAccountNo: string;
  bankCode: string;
  bankAccountNo: string;
  readonly bankPassword: string;
  custodyAccountNo: string;
}

/**
 * The fund accounts transfers are asked on (issue 10). An account function that needs the account quiet (a
 * cancellation, a change of bank) takes it out, so that no new transfer is asked on it, and waits until the ones
 * already asked have come back (`idle`); one that may race transfers (a change of bank settlement account) only
 * marks it busy, so that two account functions never work on one account at once.
 */
export class TransferPool {
  /** Every account the run ever had, the cancelled ones too: the invariants are checked on all of them. */
  private readonly everyone: PoolMember[] = [];
  private readonly active: PoolMember[] = [];
  private readonly busy = new Set<string>();
  private readonly inFlight = new Map<string, number>();
  private readonly idleWaiters = new Map<string, Array<() => void>>();

  constructor(initial: readonly PoolMember[]) {
    for (const member of initial) this.join(member);
  }

  /** A new account (designated mid-run) takes transfers from now on. */
  join(member: PoolMember): void {
    this.everyone.push(member);
    this.active.push(member);
  }

  all(): readonly PoolMember[] {
    return this.everyone;
  }

  /** The account at `fraction` of those taking transfers now (a planned draw, applied to the pool as it is when the step runs). */
  at(fraction: number): PoolMember | undefined {
    return this.active.length === 0 ? undefined : this.active[Math.floor(fraction * this.active.length)];
  }

  /** Whether transfers are asked on the account now (the bank's reversals too: never on an account taken out). */
  isActive(fundAccountNo: string): boolean {
    return this.active.some((m) => m.fundAccountNo === fundAccountNo);
  }

  /** An account for an account function: one taking transfers that no other account function works on; marked busy. */
  claim(fraction: number, accept: (member: PoolMember) => boolean = () => true): PoolMember | undefined {
    const free = this.active.filter((m) => !this.busy.has(m.fundAccountNo) && accept(m));
    if (free.length === 0) return undefined;
    const member = free[Math.floor(fraction * free.length)]!;
    this.busy.add(member.fundAccountNo);
    return member;
  }

  release(member: PoolMember): void {
    this.busy.delete(member.fundAccountNo);
  }

  /** No new transfer is asked on the account (it stays claimed). */
  takeOut(member: PoolMember): void {
    const i = this.active.indexOf(member);
    if (i >= 0) this.active.splice(i, 1);
  }

  /** Transfers are asked on it again (after a refused cancellation, or under its new bank after F-3.6). */
  putBack(member: PoolMember): void {
    if (!this.active.includes(member)) this.active.push(member);
  }

  /** A request about the account is on its way (a transfer, or the bank's reversal of one). */
  begin(fundAccountNo: string): void {
    this.inFlight.set(fundAccountNo, (this.inFlight.get(fundAccountNo) ?? 0) + 1);
  }

  end(fundAccountNo: string): void {
    const left = (this.inFlight.get(fundAccountNo) ?? 1) - 1;
    if (left > 0) {
      this.inFlight.set(fundAccountNo, left);
      return;
    }
    this.inFlight.delete(fundAccountNo);
    for (const wake of this.idleWaiters.get(fundAccountNo) ?? []) wake();
    this.idleWaiters.delete(fundAccountNo);
  }

  /** Resolves once every request the run asked about the account has been answered. */
  idle(fundAccountNo: string): Promise<void> {
    if (!this.inFlight.has(fundAccountNo)) return Promise.resolve();
    return new Promise((wake) => this.idleWaiters.set(fundAccountNo, [...(this.idleWaiters.get(fundAccountNo) ?? []), wake]));
  }
}
