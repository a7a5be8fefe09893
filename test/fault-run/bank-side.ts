import { setTimeout as sleep } from 'node:timers/promises';
import type { TestContext } from '../support/test-context';

/** How often the bank sends one of its own unanswered transfers again before an account function, before it reverses it instead. */
const RESENDS_BEFORE_REVERSAL = 3;

/** One of the bank's own transfers the run started, and the fund account it was on. */
export interface BankInitiatedEntry {
  readonly bankCode: string;
  readonly serialNo: string;
  readonly fundAccountNo: string;
}

/** The bank's own transfers the run started, so that it can reverse some and, at the end, end every one it left open. */
export class BankInitiatedLedger {
  private readonly serials: BankInitiatedEntry[] = [];

  add(entry: BankInitiatedEntry): void {
    this.serials.push(entry);
  }

  /**
   * The one at `fraction` of the list so far (a planned draw, applied to what exists when the step runs), among those
   * `eligible`: the bank reverses nothing on an account an account function has taken out of the pool.
   */
  at(fraction: number, eligible: (entry: BankInitiatedEntry) => boolean = () => true): BankInitiatedEntry | undefined {
    const candidates = this.serials.filter(eligible);
    return candidates.length === 0 ? undefined : candidates[Math.floor(fraction * candidates.length)];
  }

  all(): readonly BankInitiatedEntry[] {
    return this.serials;
  }

  /** Originals whose reversal got no answer: the bank does not know whether the broker undid them. */
  readonly reversalsInDoubt = new Map<string, BankInitiatedEntry>();

  /**
   * The bank's own transfers whose answer never reached it (UNKNOWN at the bank when started, or their reversal's
   * answer lost): a disruption cost it. The bank's day files and ours may then differ (issue 8: explained breaks).
   */
  readonly answersLost = new Set<string>();

  /**
   * Fund accounts on which the bank holds something it cannot end by itself: a reversal whose answer it never got
   * (the reversal's record stays UNKNOWN, even once a later one undid the original) or an original left to an operator
   * (MANUAL: the broker refused the reversal 2008, or the customer's account no longer held a payout to take back).
   * The bank counts either as a transfer in flight and refuses to close the custody account (5318), so an account
   * function that closes one (F-3.8, F-3.6) picks another account.
   */
  readonly stuckAtBank = new Set<string>();

  /** What the bank's reversal of `entry` left behind (`reversed` undefined: no answer from the simulator at all). */
  noteReversal(entry: BankInitiatedEntry, reversed: { status: number; body: { status: string; originalStatus?: string } } | undefined): void {
    if (!reversed || (reversed.status === 201 && (reversed.body.status === 'UNKNOWN' || reversed.body.originalStatus === 'MANUAL'))) this.stuckAtBank.add(entry.fundAccountNo);
  }
}

/**
 * The bank's side of the end of the day: every one of its own transfers still UNKNOWN (or waiting) is ended by reversal, as a bank does when its
 * request got no answer (F-4.3 B / F-4.4 B); an unanswered reversal is tried again. Returns the serials of those it
 * had to end.
 */
export async function settleBankSide(
  ctx: TestContext,
  bankInitiated: BankInitiatedLedger,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<Set<string>> {
  const deadline = Date.now() + timeoutMs;
  const ended = new Set<string>();
  for (;;) {
    let open = 0;
    for (const entry of bankInitiated.all()) {
      const { bankCode, serialNo } = entry;
      const key = `${bankCode}|${serialNo}`;
      const record = await ctx.banks[bankCode]!.transaction(serialNo);
      if (record.status !== 200) continue;
      const status = record.body.status;
      const inDoubt = bankInitiated.reversalsInDoubt.has(key) && (status === 'SUCCEEDED' || status === 'UNKNOWN');
      if (status !== 'UNKNOWN' && status !== 'PENDING' && !inDoubt) {
        bankInitiated.reversalsInDoubt.delete(key);
        continue;
      }
      open += 1;
      ended.add(serialNo);
      if (status === 'PENDING') continue;
      // Reversed again under a new serial: the broker answers 2006 if the lost one got there, and the bank then undoes its half.
      const reversed = await ctx.banks[bankCode]!.reverseBankInitiated(serialNo).catch(() => undefined);
      bankInitiated.noteReversal(entry, reversed);
      if (reversed?.status === 201 && reversed.body.status !== 'UNKNOWN') bankInitiated.reversalsInDoubt.delete(key);
    }
    if (open === 0) return ended;
    if (Date.now() > deadline) {
      log(`fault run: ${open} of the bank's own transfers still open after ${timeoutMs} ms`);
      return ended;
    }
    await sleep(500);
  }
}

/**
 * Before an account function closes the account's custody (F-3.8, F-3.6): the bank ends its own transfers on it that
 * got no answer by sending them again under their serial (F-4.5 B; a withdrawal with the fund password typed again),
 * rather than by reversal as at the end of the day. A reversal whose answer is lost stays open at the bank for good
 * (`stuckAtBank`) and the bank would then refuse the 11004 (5318); a resend whose answer is lost only leaves the
 * original UNKNOWN, to be sent again. Only after `RESENDS_BEFORE_REVERSAL` resends without an answer (a loaded
 * machine can answer every one after the bank's timeout) does the bank reverse it, as at the end of the day. A
 * reversal already in doubt is asked again. Returns the serials it had to end.
 */
export async function endOpenOnAccount(
  ctx: TestContext,
  bankInitiated: BankInitiatedLedger,
  fundAccountNo: string,
  fundPassword: string,
  timeoutMs: number,
  log: (line: string) => void,
): Promise<Set<string>> {
  const deadline = Date.now() + timeoutMs;
  const ended = new Set<string>();
  const resent = new Map<string, number>();
  for (;;) {
    let open = 0;
    for (const entry of bankInitiated.all().filter((e) => e.fundAccountNo === fundAccountNo)) {
      const { bankCode, serialNo } = entry;
      const key = `${bankCode}|${serialNo}`;
      const record = await ctx.banks[bankCode]!.transaction(serialNo);
      if (record.status !== 200) continue;
      const { status, instrCd } = record.body;
      const inDoubt = bankInitiated.reversalsInDoubt.has(key) && (status === 'SUCCEEDED' || status === 'UNKNOWN');
      if (status !== 'UNKNOWN' && status !== 'PENDING' && !inDoubt) {
        bankInitiated.reversalsInDoubt.delete(key);
        continue;
      }
      open += 1;
      ended.add(serialNo);
      if (status === 'PENDING') continue;
      if (inDoubt || (resent.get(serialNo) ?? 0) >= RESENDS_BEFORE_REVERSAL) {
        const reversed = await ctx.banks[bankCode]!.reverseBankInitiated(serialNo).catch(() => undefined);
        bankInitiated.noteReversal(entry, reversed);
        if (reversed?.status === 201 && reversed.body.status !== 'UNKNOWN') bankInitiated.reversalsInDoubt.delete(key);
        continue;
      }
      resent.set(serialNo, (resent.get(serialNo) ?? 0) + 1);
      await ctx.banks[bankCode]!.resendBankInitiated(serialNo, instrCd === '12002' ? fundPassword : undefined).catch(() => undefined);
    }
    if (open === 0) return ended;
    if (Date.now() > deadline) {
      log(`fault run: ${open} of the bank's own transfers on ${fundAccountNo} still open after ${timeoutMs} ms`);
      return ended;
    }
    await sleep(500);
  }
}
