import { type FundPasswordCheck, fundPasswordRefusal } from '@custody/contracts';
import { Money } from '@custody/money';
import { type LedgerBalances, type LedgerFigures, ledgerBalances } from '../ledger/ledger-rules';
import type { TransferStatus, TransferType } from '../transfers/transfer.entity';

/**
 * What the broker answers to a bank-initiated request, decided from what is recorded: pure, so every
 * branch of domain.md §4 / bank-protocol.md §4 is tested without a database. The service reads the
 * facts under locks, asks here, and carries out the verdict in the same transaction as its reply.
 */

/** What an 11008 B finds of the fund account it names, read under the ledger's lock. */
export interface FundBalanceQueryFacts {
  /** The bank asking (the session's). */
  bankCode: string;
  /** The fund ledger of the asked currency; absent when the fund account has none in it. */
  ledger?: { custodyStatus: string; bankCode: string | null; figures: LedgerFigures };
  /** The fund account has a ledger in another currency (so it is known, the currency is not). */
  otherCurrency: boolean;
  fundPassword: FundPasswordCheck | undefined;
}

export type FundBalanceQueryVerdict = { code: '0000'; balances: LedgerBalances } | { code: '2011' | '3011' | '2013' | '2001'; why: string };

/**
 * F-3.9 B (profile §4.1): the ledger's balance, available and withdrawable, as GET …/balances shows them.
 * Checked in the order of a 12002 B: account, relationship with this bank, then the password, so that a
 * bank without the relationship learns nothing of the password and a wrong password nothing of the money.
 * Every password failure is 2001, as on a withdrawal (the standard has one code).
 */
export function fundBalanceQueryVerdict(facts: FundBalanceQueryFacts): FundBalanceQueryVerdict {
  const { ledger } = facts;
  if (!ledger) return facts.otherCurrency ? { code: '3011', why: 'the fund account has no ledger in this currency' } : { code: '2011', why: 'no such fund account' };
  if (ledger.custodyStatus !== 'DESIGNATED' || ledger.bankCode !== facts.bankCode) return { code: '2013', why: 'the fund account is not designated at this bank' };
  const wrongPassword = fundPasswordRefusal(facts.fundPassword);
  if (wrongPassword) return { code: '2001', why: wrongPassword };
  return { code: '0000', balances: ledgerBalances(ledger.figures) };
}

/** The original transfer a bank's reversal names, as recorded (initiator B, the bank's serial). */
export interface RecordedOriginal {
  type: TransferType;
  status: TransferStatus;
  fundAccountNo: string;
  currency: string;
  amount: Money;
  bankAccountNo: string | null;
}

export type ReversalFunction = 'REVERSE_BANK_TO_SECURITIES' | 'REVERSE_SECURITIES_TO_BANK';

/** What a 12003/12004 from the bank says about the original it undoes. */
export interface ReversalRequest {
  function: ReversalFunction;
  /** `CnRef` names a request issued by the reversal's own issuer (only the original's initiator may reverse it). */
  namesOwnRequest: boolean;
  /** Empty when the reversal did not repeat it. */
  fundAccountNo: string;
  /** Empty when the reversal did not repeat it. */
  currency: string;
  /** Absent when the reversal did not repeat it. */
  amount?: Money;
  bankAccountNo?: string;
}

export interface ReversalFacts {
  reversal: ReversalRequest;
  /** The named original, when we ever processed it. */
  original?: RecordedOriginal;
  /** `CnRef` names one of the bank's own reversal requests instead of an original. */
  namesAReversal: boolean;
  /** An earlier, different reversal of the same serial already took effect (0000) or barred it (2005). */
  alreadyReversed: boolean;
  /** Available (balance less holds) of the original's fund ledger now; needed only to undo a credit. */
  available?: Money;
  /**
   * The original's fund ledger and the reversing bank now: still LINKED, CHANGING (closed while a cancellation or a
   * change of custodian bank awaits a bank, F-3.8/F-3.6) or ENDED (cancelled, or moved to another bank).
   */
  relationship?: 'LINKED' | 'CHANGING' | 'ENDED';
}

export type ReversalVerdict =
  | { code: '0000'; action: 'DEBIT_BACK' | 'CREDIT_BACK' | 'MARK_REVERSED' }
  | { code: '2005'; action: 'REMEMBER' }
  | { code: '2006' | '2007' | '2008' | '2013' | '3003'; why: string };

const REVERSED_TYPE: Record<ReversalFunction, TransferType> = {
  REVERSE_BANK_TO_SECURITIES: 'BANK_TO_SECURITIES',
  REVERSE_SECURITIES_TO_BANK: 'SECURITIES_TO_BANK',
};

/**
 * F-4.3 B / F-4.4 B. A reversal naming a reversal (the bank undoing its own reversal) is 2007, not
 * 2005: we have seen that serial, it is just not an original of this function; answering "never seen"
 * would be false and would bar a serial that can never arrive as an original anyway. A reversal that
 * does not match is refused before "already reversed" is considered, since it is not about that
 * transfer at all.
 */
export function reversalVerdict(facts: ReversalFacts): ReversalVerdict {
  const { reversal, original } = facts;
  if (!reversal.namesOwnRequest) return { code: '2007', why: 'CnRef names a request the bank did not issue; only the original initiator may reverse it' };
  if (facts.namesAReversal) return { code: '2007', why: 'CnRef names a reversal, not a transfer; a reversal cannot be reversed' };
  if (!original) {
    return facts.alreadyReversed ? { code: '2006', why: 'the serial was already barred by an earlier reversal' } : { code: '2005', action: 'REMEMBER' };
  }
  const mismatch = reversalMismatch(reversal, original);
  if (mismatch) return { code: '2007', why: mismatch };
  switch (original.status) {
    case 'REVERSED':
      return { code: '2006', why: 'the original was already reversed by an earlier reversal' };
    case 'FAILED':
      // We refused it, so it took no effect: the reversal is granted and the serial stays barred.
      return { code: '0000', action: 'MARK_REVERSED' };
    case 'SUCCEEDED':
      // Money would move back through the custody account the original went through: not once that relationship
      // ended (its custody account is closed, the ledger elsewhere or cancelled: an operator settles it with the bank),
      // nor while it is changing (the balance the bank is told of must not move: the bank asks again once it ended).
      if (facts.relationship === 'ENDED') return { code: '2013', why: 'the relationship the original went through has ended (cancelled, or moved to another bank)' };
      if (facts.relationship === 'CHANGING') return { code: '3003', why: 'the relationship is being changed (cancelled or moved); ask again once the change ended' };
      if (original.type === 'SECURITIES_TO_BANK') return { code: '0000', action: 'CREDIT_BACK' };
      if (facts.available === undefined) throw new Error('undoing a credited deposit needs the ledger available figure');
      if (facts.available.lessThan(original.amount)) {
        return {
          code: '2008',
          why: `only ${facts.available.toString()} ${original.currency.trim()} available of the ${original.amount.toString()} credited: the funds were already used or held`,
        };
      }
      return { code: '0000', action: 'DEBIT_BACK' };
    case 'PENDING':
    case 'UNKNOWN':
      // A bank-initiated transfer is answered in the transaction that records it: it is never open.
      throw new Error(`bank-initiated transfer recorded ${original.status}; it should be final`);
  }
}

function reversalMismatch(reversal: ReversalRequest, original: RecordedOriginal): string | undefined {
  if (REVERSED_TYPE[reversal.function] !== original.type) return `a ${reversal.function} cannot reverse a ${original.type}`;
  // An empty account or currency is one the reversal did not repeat: CnRef alone names the original then.
  if (reversal.fundAccountNo && reversal.fundAccountNo !== original.fundAccountNo) return `fund account ${reversal.fundAccountNo} is not the original's ${original.fundAccountNo}`;
  if (reversal.currency && reversal.currency !== original.currency.trim()) return `currency ${reversal.currency} is not the original's ${original.currency.trim()}`;
  if (reversal.amount && !reversal.amount.equals(original.amount)) return `amount ${reversal.amount.toString()} is not the original's ${original.amount.toString()}`;
  if (reversal.bankAccountNo && original.bankAccountNo && reversal.bankAccountNo !== original.bankAccountNo) return 'bank account is not the original one';
  return undefined;
}

/**
 * F-4.6: `OrgRst` of a queried transfer by its recorded status. A FAILED one answers the code it failed
 * with (ours to the bank for B-initiated, the bank's for S-initiated); when none was recorded (it failed
 * on our side before the bank answered) 2026 被查询流水已失败 is the most specific the standard has.
 */
export function originalResult(status: TransferStatus, failedWith: string | null): string {
  switch (status) {
    case 'SUCCEEDED':
      return '0000';
    case 'FAILED':
      return failedWith ?? '2026';
    case 'REVERSED':
      return '2006';
    case 'PENDING':
    case 'UNKNOWN':
      return '2028';
  }
}
