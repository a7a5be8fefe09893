import type { RefIssuer } from '@custody/bank-protocol';
import { CURRENCIES, type Currency, Money } from '@custody/money';
import { chinaDateOf } from '@custody/service-kit';
import { SimulatorError } from '../simulator-error';
import type { AccountNumberIssuer } from './bank-numbers';
import { BankDay } from './bank-day';
import { BANK_RETURN_CODES as RC, BROKER_RETURN_CODES as BROKER, type BankReturnCode } from './bank-return-codes';
import {
  type BankAccountChangeInput,
  type BrokerBankAccountChangeInput,
  type BankAccountOpening,
  type BankAccountSnapshot,
  type BankInitiatedStart,
  type BankInitiatedTransferInput,
  type BookOutcome,
  type CancellationInput,
  type CounterCancellationInput,
  type CustodyAccountSnapshot,
  type CustodyAccountState,
  type CustodyAccountStatus,
  type CustomerChangeInput,
  type CustomerContact,
  type CustomerDataChangeInput,
  type CustomerIdentity,
  type DesignationInput,
  type PasswordProof,
  type PreDesignationInput,
  type QueryAnswer,
  refKey,
  type ReversalInput,
  type ReversalInstrCd,
  type TransactionRecord,
  type TransactionRef,
  type TransferInput,
} from './book-records';

/**
 * The simulated bank's books: customers' bank settlement accounts, the custody accounts (存管账户) it
 * opens for the broker's fund accounts, the broker's summary account (汇总账户) per currency, and the
 * log of every transaction it processed, keyed by the issuer's `Ref`.
 *
 * In memory on purpose: this is a dev/test bank, a restart is a fresh bank. Every method is
 * synchronous, so each check-then-move runs without interleaving and no caller ever observes a
 * half-applied move; I4 (Σ custody balances = summary balance, per currency) is verified after each.
 */

interface BankAccount extends CustomerIdentity {
  readonly bankAccountNo: string;
  readonly password: BankAccountOpening['password'];
  readonly balances: Map<Currency, Money>;
  readonly contact: CustomerContact;
}

interface CustodyAccount {
  readonly custodyAccountNo: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly bankAccountNo: string | null;
  /**
   * The identity the broker sent with its 11002 (or a later 11005): a pre-designated custody account has no bank
   * account to take its holder from (F-3.1). Absent on a designated one, whose holder is its bank account's.
   */
  readonly preDesignatedHolder?: CustomerIdentity & CustomerContact;
  balance: Money;
  status: CustodyAccountStatus;
  /** Absent: NORMAL. Set by an 11011 the broker accepted. */
  accountState?: Exclude<CustodyAccountState, 'NORMAL'>;
}

type MutableRecord = { -readonly [K in keyof TransactionRecord]: TransactionRecord[K] };

interface Refusal {
  readonly code: BankReturnCode;
  readonly info: string;
}

export interface BankBooksOptions {
  readonly bankCode: string;
  readonly summaryAccount: string;
  readonly serials: RefIssuer;
  readonly custodyNumbers: AccountNumberIssuer;
  /** The bank's `acceptsSecuritiesToBankReversal` (custody config): whether the broker may send 12004. */
  readonly acceptsSecuritiesToBankReversal?: boolean;
  readonly clock?: () => Date;
  /** The bank's business date before any 13012: its calendar date (China time) on its first day. */
  readonly firstDate?: string;
}

/** Thrown when I4 breaks: a bug in the books, never a customer's doing. */
export class InvariantBroken extends Error {}

export const DESIGNATE = '11001';
export const PRE_DESIGNATE = '11002';
export const CONFIRM_DESIGNATION = '11003';
export const CANCEL_DESIGNATION = '11004';
export const CHANGE_CUSTOMER = '11005';
export const CHANGE_BANK_ACCOUNT = '11006';
export const REGISTER_CURRENCY = '11010';
export const CHANGE_ACCOUNT_STATUS = '11011';
export const BANK_TO_SECURITIES = '12001';
export const SECURITIES_TO_BANK = '12002';
export const REVERSE_BANK_TO_SECURITIES = '12003';
export const REVERSE_SECURITIES_TO_BANK = '12004';

/** The transfer functions, whose open ones keep a custody account from closing (11004: 5318). */
const TRANSFER_FUNCTIONS: ReadonlySet<string> = new Set([BANK_TO_SECURITIES, SECURITIES_TO_BANK, REVERSE_BANK_TO_SECURITIES, REVERSE_SECURITIES_TO_BANK]);

/** The original each reversal undoes (profile §4). */
const REVERSED_INSTRUCTION: Readonly<Record<ReversalInstrCd, string>> = {
  [REVERSE_BANK_TO_SECURITIES]: BANK_TO_SECURITIES,
  [REVERSE_SECURITIES_TO_BANK]: SECURITIES_TO_BANK,
};

function fingerprintOf(instrCd: string, currency: Currency, amount: Money, bankAccountNo: string | null, fundAccountNo: string): string {
  return [instrCd, currency, amount.toString(), bankAccountNo ?? '', fundAccountNo].join('|');
}

/** Profile §4.1 "11011": a frozen or lost custody account takes no broker transfer. */
function frozenRefusal(custody: CustodyAccount): Refusal | undefined {
  if (custody.accountState === 'FROZEN') return { code: RC.CUSTODY_FROZEN, info: 'the custody account is frozen' };
  if (custody.accountState === 'LOST') return { code: RC.CUSTODY_LOST, info: 'the custody account is reported lost' };
  return undefined;
}

/** The contact data given, without the fields left out. */
function contactOf(given: CustomerContact): CustomerContact {
  const { mobile, address, email } = given;
  return { ...(mobile === undefined ? {} : { mobile }), ...(address === undefined ? {} : { address }), ...(email === undefined ? {} : { email }) };
}

/**
 * Whether the customer a broker names is this account's holder (11001, 11007): the most specific §7.23 code for the
 * first field that differs — 5010 the ID type, 5011 the ID number, 5016 the name (the table has no bank-side "name
 * mismatch"; the named customer is not the account's holder).
 */
function identityRefusal(customer: CustomerIdentity, holder: CustomerIdentity): Refusal | undefined {
  if (customer.idType !== holder.idType) return { code: RC.CERT_TYPE_MISMATCH, info: 'ID type does not match the account holder' };
  if (customer.idNumber !== holder.idNumber) return { code: RC.CERT_ID_MISMATCH, info: 'ID number does not match the account holder' };
  if (customer.name !== holder.name) return { code: RC.NOT_SAME_CUSTOMER, info: 'name does not match the account holder' };
  return undefined;
}

/** Profile §4.1 "11011": the same status again is refused with the code naming the status the customer has. */
const SAME_STATE: Readonly<Record<CustodyAccountState, BankReturnCode>> = {
  FROZEN: RC.ALREADY_FROZEN,
  NORMAL: RC.NOT_FROZEN,
  LOST: RC.ALREADY_LOST,
};

/** 11011 S: a fund account linked here (to the bank account the request names, if any) whose status changes. */
function statusChangeRefusal(linked: readonly CustodyAccount[], input: { readonly bankAccountNo?: string; readonly accountState: CustodyAccountState }): Refusal | undefined {
  const named = input.bankAccountNo === undefined ? linked : linked.filter((custody) => custody.bankAccountNo === input.bankAccountNo);
  if (named.length === 0) return { code: RC.NOT_LINKED, info: 'the fund account is not linked here to that bank account' };
  if (linked.every((custody) => (custody.accountState ?? 'NORMAL') === input.accountState)) {
    return { code: SAME_STATE[input.accountState], info: `the custody account is ${input.accountState} already` };
  }
  return undefined;
}

function custodyKey(fundAccountNo: string, currency: Currency): string {
  return `${fundAccountNo}/${currency}`;
}

/** What leaves the books about a custody account: never the identity a pre-designation recorded. */
function custodySnapshot(custody: CustodyAccount): CustodyAccountSnapshot {
  const { custodyAccountNo, fundAccountNo, currency, bankAccountNo, balance, status, accountState } = custody;
  return { custodyAccountNo, fundAccountNo, currency, bankAccountNo, balance, status, accountState: accountState ?? 'NORMAL' };
}

export class BankBooks {
  readonly bankCode: string;
  readonly summaryAccount: string;
  private readonly serials: RefIssuer;
  private readonly custodyNumbers: AccountNumberIssuer;
  private readonly acceptsSecuritiesToBankReversal: boolean;
  private readonly clock: () => Date;

  private readonly bankAccounts = new Map<string, BankAccount>();
  private readonly custodyAccounts = new Map<string, CustodyAccount>();
  private readonly custodyByFundAccount = new Map<string, CustodyAccount>();
  private readonly summary = new Map<Currency, Money>(CURRENCIES.map((currency) => [currency, Money.zero()]));
  private readonly transactions = new Map<string, MutableRecord>();
  /** Refs reversed, or whose reversal arrived before them (profile §4): a late original is refused 1006. */
  private readonly reversedRefs = new Set<string>();
  /**
   * Amounts held in custody accounts (by custody account number) for F-4.2 B withdrawals the broker may
   * already have debited: not yet paid out, but no longer available to any other debit.
   */
  private readonly held = new Map<string, Money>();

  constructor(options: BankBooksOptions) {
    this.bankCode = options.bankCode;
    this.summaryAccount = options.summaryAccount;
    this.serials = options.serials;
    this.custodyNumbers = options.custodyNumbers;
    this.acceptsSecuritiesToBankReversal = options.acceptsSecuritiesToBankReversal ?? false;
    this.clock = options.clock ?? (() => new Date());
    this.day = new BankDay(options.firstDate ?? chinaDateOf(this.clock()));
  }

  /** The bank's business date and whether 13011 ended it (bank-protocol.md §7). */
  readonly day: BankDay;

  // ---- reading --------------------------------------------------------------------------------

  bankAccount(bankAccountNo: string): BankAccountSnapshot | undefined {
    const account = this.bankAccounts.get(bankAccountNo);
    return (
      account && {
        bankAccountNo: account.bankAccountNo,
        name: account.name,
        idType: account.idType,
        idNumberMasked: `************${account.idNumber.slice(-4)}`,
        contact: { ...account.contact },
        balances: new Map(account.balances),
      }
    );
  }

  listBankAccounts(): BankAccountSnapshot[] {
    return [...this.bankAccounts.keys()].flatMap((no) => this.bankAccount(no) ?? []);
  }

  listCustodyAccounts(filter: { readonly fundAccountNo?: string; readonly currency?: Currency } = {}): CustodyAccountSnapshot[] {
    return [...this.custodyAccounts.values()]
      .filter((c) => (filter.fundAccountNo === undefined || c.fundAccountNo === filter.fundAccountNo) && (filter.currency === undefined || c.currency === filter.currency))
      .map(custodySnapshot);
  }

  custodyAccount(custodyAccountNo: string): CustodyAccountSnapshot | undefined {
    const custody = this.custodyAccounts.get(custodyAccountNo);
    return custody && custodySnapshot(custody);
  }

  /**
   * F-3.10 (11009 S): the balance of the customer's bank account, asked by the broker with the bank password
   * (profile §4.1: `Type` 0). The account must be the one linked to the fund account in that currency (a broker
   * asks only about its own customer's settlement account). This bank keeps no holds on a settlement account, so
   * its available balance is its balance. Changes nothing and is not in the day's files.
   */
  queryBankBalance(input: { readonly bankAccountNo: string; readonly fundAccountNo: string; readonly currency: Currency; readonly password: PasswordProof | undefined }):
    | { readonly kind: 'rejected'; readonly returnCode: BankReturnCode; readonly info: string }
    | { readonly kind: 'answered'; readonly balance: Money; readonly available: Money } {
    const bank = this.bankAccounts.get(input.bankAccountNo);
    if (!bank) return { kind: 'rejected', returnCode: RC.BANK_ACCOUNT_NOT_FOUND, info: 'no such bank account' };
    const refusal = this.passwordRefusal(bank, input.password);
    if (refusal) return { kind: 'rejected', returnCode: refusal.code, info: refusal.info };
    const custody = this.custodyByFundAccount.get(custodyKey(input.fundAccountNo, input.currency));
    if (custody?.bankAccountNo !== input.bankAccountNo) return { kind: 'rejected', returnCode: RC.NOT_LINKED, info: 'the bank account is not linked to this fund account' };
    const balance = this.bankBalance(bank, input.currency);
    return { kind: 'answered', balance, available: balance };
  }

  /**
   * F-3.11 (11007 S): whether the customer the broker records is the holder of the bank account linked to the fund
   * account in that currency — 0000, or the code of the first field that differs (`identityRefusal`). A bank account
   * it does not hold is 1014, one not linked to that fund account 1016: the bank compares only its own customer's
   * account with the broker's. Changes nothing and is not in the day's files.
   */
  checkIdentity(input: { readonly bankAccountNo: string; readonly fundAccountNo: string; readonly currency: Currency; readonly customer: CustomerIdentity }): {
    readonly returnCode: BankReturnCode;
    readonly info: string;
  } {
    const bank = this.bankAccounts.get(input.bankAccountNo);
    if (!bank) return { returnCode: RC.BANK_ACCOUNT_NOT_FOUND, info: 'no such bank account' };
    if (!this.linkedCustody(input.fundAccountNo, input.currency, input.bankAccountNo)) {
      return { returnCode: RC.NOT_LINKED, info: 'the bank account is not linked to this fund account' };
    }
    const otherPerson = identityRefusal(input.customer, bank);
    return otherPerson ? { returnCode: otherPerson.code, info: otherPerson.info } : { returnCode: RC.SUCCESS, info: 'the customer is the account holder' };
  }

  /** A bank serial for a request that changes nothing and leaves no record here (F-3.9 B, 11008). */
  nextSerial(): string {
    return this.serials.next();
  }

  /**
   * The bank's record of an account holder, for its day files only (CHK01–03 carry the name, CHK03 the ID
   * document: bank-protocol.md §5). Never for the control API or a log.
   */
  holderOf(bankAccountNo: string): CustomerIdentity | undefined {
    const account = this.bankAccounts.get(bankAccountNo);
    return account && { name: account.name, idType: account.idType, idNumber: account.idNumber };
  }

  /**
   * The bank's record of a custody account's holder, for its day files only (CHK02 and DIF04 name them): its bank
   * account's holder, or, while it has none (pre-designated), the identity the broker sent with the 11002.
   */
  custodyHolderOf(custodyAccountNo: string): CustomerIdentity | undefined {
    const custody = this.custodyAccounts.get(custodyAccountNo);
    if (!custody) return undefined;
    return custody.bankAccountNo === null ? custody.preDesignatedHolder : this.holderOf(custody.bankAccountNo);
  }

  summaryBalances(): ReadonlyMap<Currency, Money> {
    return new Map(this.summary);
  }

  listTransactions(): TransactionRecord[] {
    return [...this.transactions.values()].map((r) => ({ ...r }));
  }

  transaction(ref: TransactionRef): TransactionRecord | undefined {
    const record = this.transactions.get(refKey(ref));
    return record && { ...record };
  }

  /** A serial as an operator types it: the broker's first (it initiates most), then the bank's own. */
  findBySerial(serial: string, brokerInstId: string): TransactionRecord | undefined {
    return this.transaction({ issuerType: 'S', issuerId: brokerInstId, serial }) ?? this.transaction({ issuerType: 'B', issuerId: this.bankCode, serial });
  }

  /** I4 per currency; empty when it holds. */
  invariantBreaks(): Currency[] {
    return CURRENCIES.filter((currency) => {
      const custody = Money.sum([...this.custodyAccounts.values()].filter((c) => c.currency === currency).map((c) => c.balance));
      return !custody.equals(this.summary.get(currency) ?? Money.zero());
    });
  }

  // ---- control: the bank's own counter -----------------------------------------------------------

  /**
   * The holder renews their record at the bank's counter (a new ID document, a new name) and the broker is not told:
   * from then on the broker's 11007 finds the difference. Only the fields given change.
   */
  amendHolder(bankAccountNo: string, changes: Partial<CustomerIdentity>): void {
    const account = this.bankAccounts.get(bankAccountNo);
    if (!account) throw new SimulatorError('NOT_FOUND', `no bank account ${bankAccountNo}`);
    this.bankAccounts.set(bankAccountNo, { ...account, ...changes });
  }

  openBankAccount(opening: BankAccountOpening): BankAccountSnapshot {
    if (this.bankAccounts.has(opening.bankAccountNo)) throw new SimulatorError('ALREADY_EXISTS', `bank account ${opening.bankAccountNo} already exists`);
    if (opening.balance.isNegative()) throw new SimulatorError('VALIDATION_FAILED', 'an opening balance is not negative');
    this.bankAccounts.set(opening.bankAccountNo, {
      bankAccountNo: opening.bankAccountNo,
      name: opening.name,
      idType: opening.idType,
      idNumber: opening.idNumber,
      password: opening.password,
      balances: new Map([[opening.currency, opening.balance]]),
      contact: {},
    });
    const snapshot = this.bankAccount(opening.bankAccountNo);
    if (!snapshot) throw new Error('bank account vanished');
    return snapshot;
  }

  // ---- broker-initiated (profile §4) ------------------------------------------------------------

  /** F-3.3 S, 11001: open a custody account with the fund account's opening balance. */
  designate(input: DesignationInput): BookOutcome {
    const fingerprint = fingerprintOf(DESIGNATE, input.currency, input.openingBalance, input.bankAccountNo, input.fundAccountNo);
    const prior = this.prior(input.ref, fingerprint);
    if (prior) return prior;
    const base = { ref: input.ref, instrCd: DESIGNATE, fingerprint, amount: input.openingBalance, currency: input.currency, bankAccountNo: input.bankAccountNo, fundAccountNo: input.fundAccountNo };
    const refusal = this.designationRefusal(input);
    if (refusal) return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: refusal.code, info: refusal.info }) };

    const custody: CustodyAccount = {
      custodyAccountNo: this.custodyNumbers.next(),
      fundAccountNo: input.fundAccountNo,
      currency: input.currency,
      bankAccountNo: input.bankAccountNo,
      balance: input.openingBalance,
      status: 'NORMAL',
    };
    this.openCustody(custody);
    return { kind: 'processed', record: this.record({ ...base, custodyAccountNo: custody.custodyAccountNo, status: 'SUCCEEDED', returnCode: RC.SUCCESS, booked: true }) };
  }

  /**
   * F-3.1 S, 11002: open a pre-designated custody account with the fund account's opening balance, counted into
   * the summary account at once (profile §4.1), and no bank account: the customer's identity is the broker's — unless
   * it contradicts the bank's own record of that ID document (one of its account holders, another name), which the
   * bank refuses 1012 (证件不符) rather than open a custody account in a name its books deny.
   */
  preDesignate(input: PreDesignationInput): BookOutcome {
    const fingerprint = fingerprintOf(PRE_DESIGNATE, input.currency, input.openingBalance, null, input.fundAccountNo);
    const prior = this.prior(input.ref, fingerprint);
    if (prior) return prior;
    const base = { ref: input.ref, instrCd: PRE_DESIGNATE, fingerprint, amount: input.openingBalance, currency: input.currency, fundAccountNo: input.fundAccountNo };
    if (this.custodyByFundAccount.has(custodyKey(input.fundAccountNo, input.currency))) {
      return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: RC.RELATIONSHIP_EXISTS, info: 'the fund account already has a custody relationship in this currency' }) };
    }
    if (this.holdsDocumentUnderAnotherName(input.customer)) {
      return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: RC.IDENTITY_DOCUMENT_MISMATCH, info: 'the bank knows this ID document under another name' }) };
    }
    const custody: CustodyAccount = {
      custodyAccountNo: this.custodyNumbers.next(),
      fundAccountNo: input.fundAccountNo,
      currency: input.currency,
      bankAccountNo: null,
      preDesignatedHolder: { ...input.customer },
      balance: input.openingBalance,
      status: 'PRE_DESIGNATED',
    };
    this.openCustody(custody);
    return { kind: 'processed', record: this.record({ ...base, custodyAccountNo: custody.custodyAccountNo, status: 'SUCCEEDED', returnCode: RC.SUCCESS, booked: true }) };
  }

  /**
   * F-3.8 S, 11004 (profile §4.1): closes the custody account of the fund account in the currency and takes `ScBal`
   * out of the summary account — accepted only when the custody account holds exactly `ScBal` (else 5316), nothing of
   * it is frozen (5317) and none of its transfers waits for an answer (5318). The customer named must be the holder.
   * The closed account stays in the books as CANCELLED; the fund account may open a new relationship (11001, 11002).
   */
  cancelCustody(input: CancellationInput): BookOutcome {
    const fingerprint = fingerprintOf(CANCEL_DESIGNATION, input.currency, input.balanceLeaving, input.bankAccountNo ?? null, input.fundAccountNo);
    const prior = this.prior(input.ref, fingerprint);
    if (prior) return prior;
    const custody = this.custodyByFundAccount.get(custodyKey(input.fundAccountNo, input.currency));
    const base = {
      ref: input.ref,
      instrCd: CANCEL_DESIGNATION,
      fingerprint,
      amount: input.balanceLeaving,
      currency: input.currency,
      bankAccountNo: custody?.bankAccountNo ?? input.bankAccountNo,
      fundAccountNo: input.fundAccountNo,
      custodyAccountNo: custody?.custodyAccountNo,
    };
    const refusal = this.cancellationRefusal(input, custody);
    if (refusal || !custody) {
      const { code, info } = refusal ?? { code: RC.SYSTEM_ERROR, info: 'inconsistent books' };
      return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: code, info }) };
    }
    this.closeCustody(custody, input.balanceLeaving);
    return { kind: 'processed', record: this.record({ ...base, status: 'SUCCEEDED', returnCode: RC.SUCCESS, booked: true }) };
  }

  /** F-4.1 S, 12001: bank account → custody account (and summary). */
  bankToSecurities(input: TransferInput): BookOutcome {
    return this.transfer(BANK_TO_SECURITIES, input, (bank, custody) =>
      this.passwordRefusal(bank, input.password) ??
      (custody && this.bankBalance(bank, input.currency).lessThan(input.amount) ? { code: RC.INSUFFICIENT_BANK_BALANCE, info: 'insufficient bank account balance' } : undefined),
    );
  }

  /** F-4.2 S, 12002: custody account (and summary) → bank account. */
  securitiesToBank(input: TransferInput): BookOutcome {
    return this.transfer(SECURITIES_TO_BANK, input, (_bank, custody) =>
      custody && this.available(custody).lessThan(input.amount) ? { code: RC.INSUFFICIENT_CUSTODY_BALANCE, info: 'insufficient custody account balance' } : undefined,
    );
  }

  /**
   * What both broker-initiated transfers share: idempotent replay by Ref, the bank account and link checks,
   * and one record either way. `refuse` adds the direction's own checks; it sees the custody account only when
   * the accounts are linked, so balance checks stay behind the link check while a wrong password comes first.
   */
  private transfer(
    instrCd: typeof BANK_TO_SECURITIES | typeof SECURITIES_TO_BANK,
    input: TransferInput,
    refuse: (bank: BankAccount, custody: CustodyAccount | undefined) => Refusal | undefined,
  ): BookOutcome {
    const fingerprint = fingerprintOf(instrCd, input.currency, input.amount, input.bankAccountNo, input.fundAccountNo);
    const prior = this.prior(input.ref, fingerprint);
    if (prior) return prior;
    const base = { ref: input.ref, instrCd, fingerprint, amount: input.amount, currency: input.currency, bankAccountNo: input.bankAccountNo, fundAccountNo: input.fundAccountNo };
    // bank-protocol.md §7 step 3: after the day's 13011 the broker starts no transfer of it (a re-send got its reply above).
    if (this.day.hasEnded) return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: RC.DAY_ENDED, info: `the day ${this.day.date} has ended (13011)` }) };
    const bank = this.bankAccounts.get(input.bankAccountNo);
    const custody = this.linkedCustody(input.fundAccountNo, input.currency, input.bankAccountNo);
    const unlinked = { code: RC.NOT_LINKED, info: 'fund account and bank account are not linked for this currency' };
    const refusal = !bank
      ? { code: RC.BANK_ACCOUNT_NOT_FOUND, info: 'no such bank account' }
      : ((custody && frozenRefusal(custody)) ?? refuse(bank, custody) ?? (custody ? undefined : unlinked));
    if (refusal || !bank || !custody) {
      const { code, info } = refusal ?? { code: RC.SYSTEM_ERROR, info: 'inconsistent books' };
      return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: code, info }) };
    }
    this.moveBankToCustody(bank, custody, instrCd === BANK_TO_SECURITIES ? input.amount : input.amount.negated());
    return { kind: 'processed', record: this.record({ ...base, custodyAccountNo: custody.custodyAccountNo, status: 'SUCCEEDED', returnCode: RC.SUCCESS, booked: true }) };
  }

  /**
   * F-4.3 S (12003) and F-4.4 S (12004): the broker undoes an original it sent, named by `CnRef`
   * (profile §4). Every answer is recorded under the reversal's own `Ref`, so a repeat of it gets the
   * same answer and moves nothing again:
   * 0000 the original is now reversed: its money moved back, or it had failed and moved none;
   * 1005 never seen: remembered, so the late original is refused 1006;
   * 1006 an earlier, different reversal already did it;
   * 5235/5233/5234/1007 it does not match the original (code, accounts, currency, amount);
   * 1052 (12003) the custody account, 1008 (12004) the bank account no longer holds the amount;
   * 1034 a 12004 at a bank that does not accept the broker's (`acceptsSecuritiesToBankReversal`).
   */
  reverse(input: ReversalInput): BookOutcome {
    const fingerprint = [input.instrCd, refKey(input.cancelledRef), input.currency, input.amount?.toString(), input.bankAccountNo, input.fundAccountNo].join('|');
    const prior = this.prior(input.ref, fingerprint);
    if (prior) return prior;
    const original = this.transactions.get(refKey(input.cancelledRef));
    const base = {
      ref: input.ref,
      instrCd: input.instrCd,
      fingerprint,
      cancelledRef: input.cancelledRef,
      amount: input.amount ?? original?.amount,
      currency: input.currency ?? original?.currency,
      bankAccountNo: input.bankAccountNo ?? original?.bankAccountNo,
      fundAccountNo: input.fundAccountNo ?? original?.fundAccountNo,
      custodyAccountNo: original?.custodyAccountNo,
    };
    const refusal = this.reversalRefusal(input, original);
    if (refusal) return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: refusal.code, info: refusal.info }) };
    if (!original) {
      this.rememberReversal(input.cancelledRef);
      return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: RC.REVERSAL_ORIGINAL_NOT_FOUND, info: 'original never seen; a late original will be refused' }) };
    }
    // A failed original moved nothing: reversing it only makes sure it stays without effect.
    const movesBack = original.status === 'SUCCEEDED';
    if (movesBack) this.moveBack(original);
    this.rememberReversal(input.cancelledRef);
    return { kind: 'processed', record: this.record({ ...base, status: 'SUCCEEDED', returnCode: RC.SUCCESS, booked: movesBack }) };
  }

  /** F-4.6, 12005: the original's result for `OrgRst` (profile §4). */
  queryResult(ref: TransactionRef): QueryAnswer {
    const record = this.transaction(ref);
    if (this.reversedRefs.has(refKey(ref)) || record?.status === 'REVERSED') return { returnCode: RC.ALREADY_REVERSED, record };
    if (!record) return { returnCode: RC.QUERIED_NEVER_SEEN };
    // MANUAL is not definite either: an operator still has to settle it.
    if (record.status === 'PENDING' || record.status === 'UNKNOWN' || record.status === 'MANUAL') return { returnCode: RC.QUERIED_IN_PROGRESS, record };
    return { returnCode: record.status === 'SUCCEEDED' ? RC.SUCCESS : record.returnCode, record };
  }

  /**
   * Remembers that `ref` is reversed, whether or not it was ever seen, so that a late or re-sent
   * original is refused with 1006 (profile §4). Reversals call this after undoing the money; so does a
   * bank-initiated original the broker answers 2006 (its reversal got there first).
   */
  rememberReversal(ref: TransactionRef): void {
    this.reversedRefs.add(refKey(ref));
    const record = this.transactions.get(refKey(ref));
    if (record) {
      record.status = 'REVERSED';
      record.updatedAt = this.clock();
    }
  }

  // ---- broker-initiated changes of a relationship (11006) and of the customer (11005) ----------------

  /**
   * F-3.4 S, 11006: the broker replaces the bank settlement account of a fund account's custody in one currency
   * (§5.9.4 f). The bank checks (bank-protocol.md §4.1 "11006") that the old account is the linked one (1016) and
   * differs from the new one (1017), that the custody account is not frozen or lost (5218/5219), the bank password
   * against the old account when the broker sent one (1001), that the new account exists (1014), holds the currency
   * (1044) and belongs to the same person as the old one by its own records (5016), and is nobody else's custody link
   * in that currency (5002). On success the custody account takes the new account — transfers from then on name it —
   * and the change is in the day's CHK02 and CHK03 (金额 0). Idempotent by `Ref`.
   */
  changeBankAccount(input: BrokerBankAccountChangeInput): BookOutcome {
    const fingerprint = [CHANGE_BANK_ACCOUNT, input.currency, input.oldBankAccountNo, input.newBankAccountNo, input.fundAccountNo].join('|');
    const prior = this.prior(input.ref, fingerprint);
    if (prior) return prior;
    const custody = this.custodyByFundAccount.get(custodyKey(input.fundAccountNo, input.currency));
    const base = {
      ref: input.ref,
      instrCd: CHANGE_BANK_ACCOUNT,
      fingerprint,
      currency: input.currency,
      // CHK03's 金额 of an 11006: 0 (bank-protocol.md §5).
      amount: Money.zero(),
      bankAccountNo: input.newBankAccountNo,
      fundAccountNo: input.fundAccountNo,
      custodyAccountNo: custody?.custodyAccountNo,
    };
    const refusal = this.bankAccountChangeRefusal(input, custody);
    if (refusal || !custody) {
      const { code, info } = refusal ?? { code: RC.SYSTEM_ERROR, info: 'inconsistent books' };
      return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: code, info }) };
    }
    this.replaceCustody({ ...custody, bankAccountNo: input.newBankAccountNo });
    return { kind: 'processed', record: this.record({ ...base, status: 'SUCCEEDED', returnCode: RC.SUCCESS }) };
  }

  /**
   * F-3.5 S, 11005: the broker's record of its customer prevails (Appendix A: 客户信息变更以证券方为准), so the bank
   * takes the new name and ID document, and each contact field the request carries, as the holder of every custody
   * account of the fund account here (every currency): the linked bank account's holder, or a pre-designated one's
   * recorded identity. It refuses a fund account it holds no custody account of (1016) and one reported lost (5219:
   * the customer settles the loss at the counter first). In CHK03 (金额 0, the fund account's first currency, as the
   * broker lists it), not in CHK02. Idempotent by `Ref`.
   */
  changeCustomer(input: CustomerDataChangeInput): BookOutcome {
    const { customer } = input;
    const fingerprint = [CHANGE_CUSTOMER, input.fundAccountNo, customer.name, customer.idType, customer.idNumber, customer.mobile, customer.address, customer.email].join('|');
    const prior = this.prior(input.ref, fingerprint);
    if (prior) return prior;
    const custodies = [...this.custodyAccounts.values()]
      .filter((c) => c.fundAccountNo === input.fundAccountNo)
      .sort((a, b) => CURRENCIES.indexOf(a.currency) - CURRENCIES.indexOf(b.currency));
    const [first] = custodies;
    const base = {
      ref: input.ref,
      instrCd: CHANGE_CUSTOMER,
      fingerprint,
      currency: first?.currency,
      amount: Money.zero(),
      bankAccountNo: first?.bankAccountNo ?? undefined,
      fundAccountNo: input.fundAccountNo,
      custodyAccountNo: first?.custodyAccountNo,
    };
    if (!first) return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: RC.NOT_LINKED, info: 'the fund account has no custody account at this bank' }) };
    if (custodies.some((c) => c.accountState === 'LOST')) {
      return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: RC.CUSTODY_LOST, info: 'the custody account is reported lost: its customer data changes once the loss is lifted' }) };
    }
    const identity = { name: customer.name, idType: customer.idType, idNumber: customer.idNumber };
    for (const custody of custodies) {
      if (custody.bankAccountNo === null) {
        this.replaceCustody({ ...custody, preDesignatedHolder: { ...custody.preDesignatedHolder, ...identity, ...contactOf(customer) } });
        continue;
      }
      const account = this.bankAccounts.get(custody.bankAccountNo);
      if (!account) throw new Error(`custody account ${custody.custodyAccountNo} lost its bank account`);
      this.bankAccounts.set(account.bankAccountNo, { ...account, ...identity, contact: { ...account.contact, ...contactOf(customer) } });
    }
    return { kind: 'processed', record: this.record({ ...base, status: 'SUCCEEDED', returnCode: RC.SUCCESS }) };
  }

  // ---- bank-initiated F-3.2 B (11003) -------------------------------------------------------------

  /**
   * The bank's checks before it asks the broker to confirm a pre-designation (domain.md F-3.2): the customer's bank
   * account exists, holds the currency and is not in custody in it yet, and the fund account is pre-designated
   * here. Nothing moves; the record waits PENDING with the holder the request names (the bank account's).
   */
  beginConfirmation(input: { readonly fundAccountNo: string; readonly currency: Currency; readonly bankAccountNo: string }): BankInitiatedStart {
    const bank = this.bankAccounts.get(input.bankAccountNo);
    const custody = this.custodyByFundAccount.get(custodyKey(input.fundAccountNo, input.currency));
    if (!bank) return { kind: 'refused', returnCode: RC.BANK_ACCOUNT_NOT_FOUND, info: 'no such bank account' };
    if (!bank.balances.has(input.currency)) return { kind: 'refused', returnCode: RC.MESSAGE_FORMAT_ERROR, info: `the bank account holds no ${input.currency}` };
    if (this.inCustody(input.bankAccountNo, input.currency)) return { kind: 'refused', returnCode: RC.BANK_ACCOUNT_ALREADY_IN_CUSTODY, info: 'the bank account is already in custody in this currency' };
    if (custody?.status !== 'PRE_DESIGNATED') return { kind: 'refused', returnCode: RC.NOT_LINKED, info: 'the fund account is not pre-designated at this bank in this currency' };
    const serial = this.serials.next();
    const record = this.record({
      ref: { issuerType: 'B', issuerId: this.bankCode, serial },
      bankSerial: serial,
      instrCd: CONFIRM_DESIGNATION,
      fingerprint: fingerprintOf(CONFIRM_DESIGNATION, input.currency, Money.zero(), input.bankAccountNo, input.fundAccountNo),
      currency: input.currency,
      // CHK03's 金额 of an 11003: 0 (bank-protocol.md §5: the opening balance only for 11001/11002/11010).
      amount: Money.zero(),
      bankAccountNo: input.bankAccountNo,
      fundAccountNo: input.fundAccountNo,
      custodyAccountNo: custody.custodyAccountNo,
      status: 'PENDING',
      returnCode: RC.QUERIED_IN_PROGRESS,
    });
    return { kind: 'started', record };
  }

  /** The broker's answer to an 11003: on 0000 the custody account takes the bank account and opens for transfers. */
  settleConfirmation(ref: TransactionRef, answer: { readonly returnCode: string; readonly info?: string; readonly counterpartSerial?: string }): TransactionRecord {
    const record = this.pendingRecord(ref);
    const fields = { returnCode: answer.returnCode, info: answer.info, counterpartSerial: answer.counterpartSerial, updatedAt: this.clock() };
    const custody = record.custodyAccountNo === undefined ? undefined : this.custodyAccounts.get(record.custodyAccountNo);
    if (answer.returnCode !== RC.SUCCESS || !custody || custody.status !== 'PRE_DESIGNATED' || !record.bankAccountNo) {
      Object.assign(record, { ...fields, status: 'FAILED' });
      return { ...record };
    }
    const { preDesignatedHolder: _identity, ...rest } = custody;
    const linked: CustodyAccount = { ...rest, bankAccountNo: record.bankAccountNo, status: 'NORMAL' };
    this.custodyAccounts.set(linked.custodyAccountNo, linked);
    this.custodyByFundAccount.set(custodyKey(linked.fundAccountNo, linked.currency), linked);
    Object.assign(record, { ...fields, status: 'SUCCEEDED' });
    return { ...record };
  }

  // ---- bank-initiated F-3.3 B (11001) and 11010 ----------------------------------------------------

  /**
   * The bank's checks before it asks the broker to designate it for a fund account (domain.md F-3.3 B): the customer's
   * bank account exists, holds the currency and is not in custody in it yet, and the fund account has no custody
   * account here in the currency (a pre-designated one is confirmed with 11003, profile §4.1). Nothing moves; the
   * record waits PENDING, its amount the opening balance the broker's 0000 will carry.
   */
  beginDesignation(input: { readonly fundAccountNo: string; readonly currency: Currency; readonly bankAccountNo: string }): BankInitiatedStart {
    const bank = this.bankAccounts.get(input.bankAccountNo);
    if (!bank) return { kind: 'refused', returnCode: RC.BANK_ACCOUNT_NOT_FOUND, info: 'no such bank account' };
    if (!bank.balances.has(input.currency)) return { kind: 'refused', returnCode: RC.MESSAGE_FORMAT_ERROR, info: `the bank account holds no ${input.currency}` };
    if (this.inCustody(input.bankAccountNo, input.currency)) return { kind: 'refused', returnCode: RC.BANK_ACCOUNT_ALREADY_IN_CUSTODY, info: 'the bank account is already in custody in this currency' };
    if (this.custodyByFundAccount.has(custodyKey(input.fundAccountNo, input.currency))) {
      return { kind: 'refused', returnCode: RC.RELATIONSHIP_EXISTS, info: 'the fund account already has a custody relationship here in this currency (a pre-designated one is confirmed with 11003)' };
    }
    return { kind: 'started', record: this.pendingOpening(DESIGNATE, { ...input }) };
  }

  /**
   * 11010 B: the bank adds another currency to a fund account's relationship here (profile §4.1). The fund account must
   * be linked here (1016) and normal (5218 frozen, 5219 lost), and have no custody account in that currency yet (5201);
   * the request names the linked bank account.
   */
  beginCurrencyRegistration(input: { readonly fundAccountNo: string; readonly currency: Currency }): BankInitiatedStart {
    const [linked] = this.linkedCustodies(input.fundAccountNo);
    if (!linked?.bankAccountNo) return { kind: 'refused', returnCode: RC.NOT_LINKED, info: 'the fund account is not linked at this bank' };
    const frozen = frozenRefusal(linked);
    if (frozen) return { kind: 'refused', returnCode: frozen.code, info: frozen.info };
    if (this.custodyByFundAccount.has(custodyKey(input.fundAccountNo, input.currency))) {
      return { kind: 'refused', returnCode: RC.RELATIONSHIP_EXISTS, info: `the fund account already has a custody relationship here in ${input.currency}` };
    }
    return { kind: 'started', record: this.pendingOpening(REGISTER_CURRENCY, { ...input, bankAccountNo: linked.bankAccountNo }) };
  }

  /**
   * The broker's answer to an 11001 or 11010 the bank started: on 0000 with `ScBal` the bank opens the custody account
   * with that opening balance, linked to the bank account, and counts it into the summary account at once (the broker
   * moves that money into it as agreed, domain.md F-3.1/F-3.3); an 11010 opens the currency on the bank account too.
   * Anything else, or a 0000 the books can no longer apply (the fund account or the bank account was taken meanwhile),
   * leaves nothing opened: FAILED (an account function whose answer the bank cannot apply is not applied, profile §4.1;
   * the day's CHK03 shows it).
   */
  settleOpening(ref: TransactionRef, answer: { readonly returnCode: string; readonly info?: string; readonly counterpartSerial?: string; readonly openingBalance?: Money }): TransactionRecord {
    const record = this.pendingRecord(ref);
    const fields = { returnCode: answer.returnCode, info: answer.info, counterpartSerial: answer.counterpartSerial, updatedAt: this.clock() };
    const { fundAccountNo, currency, bankAccountNo } = record;
    const bank = bankAccountNo === undefined ? undefined : this.bankAccounts.get(bankAccountNo);
    if (fundAccountNo === undefined || currency === undefined || !bank) throw new Error(`bank-initiated ${record.instrCd} ${ref.serial} lost its accounts`);
    const taken = this.custodyByFundAccount.has(custodyKey(fundAccountNo, currency)) || this.inCustody(bank.bankAccountNo, currency);
    if (answer.returnCode !== RC.SUCCESS || answer.openingBalance === undefined || taken) {
      const why = answer.returnCode !== RC.SUCCESS ? answer.info : taken ? 'the broker accepted, but the fund account or the bank account was taken meanwhile: not applied' : 'the broker accepted without ScBal: not applied';
      Object.assign(record, { ...fields, info: why, status: 'FAILED' });
      return { ...record };
    }
    if (!bank.balances.has(currency)) bank.balances.set(currency, Money.zero());
    const custody: CustodyAccount = { custodyAccountNo: this.custodyNumbers.next(), fundAccountNo, currency, bankAccountNo: bank.bankAccountNo, balance: answer.openingBalance, status: 'NORMAL' };
    this.openCustody(custody);
    Object.assign(record, { ...fields, status: 'SUCCEEDED', amount: answer.openingBalance, custodyAccountNo: custody.custodyAccountNo });
    return { ...record };
  }

  private pendingOpening(instrCd: typeof DESIGNATE | typeof REGISTER_CURRENCY, input: { readonly fundAccountNo: string; readonly currency: Currency; readonly bankAccountNo: string }): TransactionRecord {
    const serial = this.serials.next();
    return this.record({
      ref: { issuerType: 'B', issuerId: this.bankCode, serial },
      bankSerial: serial,
      instrCd,
      fingerprint: fingerprintOf(instrCd, input.currency, Money.zero(), input.bankAccountNo, input.fundAccountNo),
      currency: input.currency,
      bankAccountNo: input.bankAccountNo,
      fundAccountNo: input.fundAccountNo,
      status: 'PENDING',
      returnCode: RC.QUERIED_IN_PROGRESS,
    });
  }


  // ---- 11011 (account status change) -------------------------------------------------------------

  /**
   * 11011 S: the broker freezes, reports lost or sets normal again a fund account's custody here, every currency
   * (profile §4.1; the message names none). The fund account must be linked here (1016), to the bank account the
   * request names if it names one (1016), and the status must change something (5003/5004/5005). A `Ref` is
   * processed once: a repeat gets the first answer. The success is recorded on the first currency's custody account
   * with 金额 0, for CHK03.
   */
  changeStatusFromBroker(input: { readonly ref: TransactionRef; readonly fundAccountNo: string; readonly bankAccountNo?: string; readonly accountState: CustodyAccountState }): BookOutcome {
    const fingerprint = [CHANGE_ACCOUNT_STATUS, input.accountState, input.bankAccountNo ?? '', input.fundAccountNo].join('|');
    const prior = this.prior(input.ref, fingerprint);
    if (prior) return prior;
    const linked = this.linkedCustodies(input.fundAccountNo).sort((a, b) => a.currency.localeCompare(b.currency));
    const [first] = linked;
    const base = { ref: input.ref, instrCd: CHANGE_ACCOUNT_STATUS, fingerprint, fundAccountNo: input.fundAccountNo, amount: Money.zero() };
    const refusal = statusChangeRefusal(linked, input);
    if (refusal || !first) {
      const { code, info } = refusal ?? { code: RC.SYSTEM_ERROR, info: 'inconsistent books' };
      return { kind: 'processed', record: this.record({ ...base, status: 'FAILED', returnCode: code, info }) };
    }
    this.setState(linked, input.accountState);
    const record = this.record({
      ...base,
      currency: first.currency,
      bankAccountNo: first.bankAccountNo ?? undefined,
      custodyAccountNo: first.custodyAccountNo,
      status: 'SUCCEEDED',
      returnCode: RC.SUCCESS,
    });
    return { kind: 'processed', record };
  }

  // ---- bank-initiated 11011 (account status change) ---------------------------------------------

  /**
   * The bank freezes, reports lost or sets normal again a fund account's custody accounts here (profile §4.1: every
   * currency). The bank asks the broker only about a fund account linked here (1016 otherwise); whether the status
   * changes anything is the broker's to say (5003/5004/5005), so the bank's own record stays as it is until the 0000.
   */
  beginStatusChange(input: { readonly fundAccountNo: string }): BankInitiatedStart {
    const linked = this.linkedCustodies(input.fundAccountNo);
    if (linked.length === 0) return { kind: 'refused', returnCode: RC.NOT_LINKED, info: 'the fund account is not linked at this bank' };
    const [first] = linked;
    const serial = this.serials.next();
    const record = this.record({
      ref: { issuerType: 'B', issuerId: this.bankCode, serial },
      bankSerial: serial,
      instrCd: CHANGE_ACCOUNT_STATUS,
      fingerprint: fingerprintOf(CHANGE_ACCOUNT_STATUS, first.currency, Money.zero(), first.bankAccountNo, input.fundAccountNo),
      currency: first.currency,
      amount: Money.zero(),
      bankAccountNo: first.bankAccountNo ?? undefined,
      fundAccountNo: input.fundAccountNo,
      custodyAccountNo: first.custodyAccountNo,
      status: 'PENDING',
      returnCode: RC.QUERIED_IN_PROGRESS,
    });
    return { kind: 'started', record };
  }

  /** The broker's answer to an 11011: on 0000 every linked custody account of the fund account takes the status. */
  settleStatusChange(
    ref: TransactionRef,
    accountState: CustodyAccountState,
    answer: { readonly returnCode: string; readonly info?: string; readonly counterpartSerial?: string },
  ): TransactionRecord {
    const record = this.pendingRecord(ref);
    const fields = { returnCode: answer.returnCode, info: answer.info, counterpartSerial: answer.counterpartSerial, updatedAt: this.clock() };
    if (answer.returnCode !== RC.SUCCESS) {
      Object.assign(record, { ...fields, status: 'FAILED' });
      return { ...record };
    }
    this.setState(this.linkedCustodies(record.fundAccountNo ?? ''), accountState);
    Object.assign(record, { ...fields, status: 'SUCCEEDED' });
    return { ...record };
  }

  /** 11011, whoever started it: the custody accounts take the status (a frozen or lost one refuses broker transfers). */
  private setState(custodies: readonly CustodyAccount[], accountState: CustodyAccountState): void {
    for (const custody of custodies) {
      if (accountState === 'NORMAL') delete custody.accountState;
      else custody.accountState = accountState;
    }
  }

  private linkedCustodies(fundAccountNo: string): CustodyAccount[] {
    return [...this.custodyAccounts.values()].filter((custody) => custody.fundAccountNo === fundAccountNo && custody.status === 'NORMAL');
  }

  // ---- bank-initiated F-3.4 B (11006, bank account change) -----------------------------------------

  /**
   * The bank's checks before it asks the broker to move a relationship to another of the customer's bank accounts
   * (domain.md F-3.4: the initiator checks the relationship on the old account and both accounts): the custody account
   * in the currency is linked to the old account (1016), the new one exists (1014), is another (1017), holds the
   * currency (1044), is in custody for no fund account yet (5002) and is the same person's as the old one, by name and
   * ID document (5016). A frozen or lost relationship is the broker's to refuse (2010), as the status is theirs too.
   * Nothing changes here before the broker's 0000; the record waits PENDING naming the new account (CHK03 lists it).
   */
  beginBankAccountChange(input: BankAccountChangeInput): BankInitiatedStart {
    const custody = this.custodyByFundAccount.get(custodyKey(input.fundAccountNo, input.currency));
    const old = this.bankAccounts.get(input.bankAccountNo);
    const fresh = this.bankAccounts.get(input.newBankAccountNo);
    const refused = (returnCode: BankReturnCode, info: string): BankInitiatedStart => ({ kind: 'refused', returnCode, info });
    if (!custody || custody.status !== 'NORMAL' || custody.bankAccountNo !== input.bankAccountNo || !old) {
      return refused(RC.NOT_LINKED, 'the fund account is not linked to the old bank account in this currency');
    }
    if (!fresh) return refused(RC.BANK_ACCOUNT_NOT_FOUND, 'no such new bank account');
    if (input.newBankAccountNo === input.bankAccountNo) return refused(RC.ALREADY_LINKED, 'the new bank account is the one already linked');
    if (!fresh.balances.has(input.currency)) return refused(RC.MESSAGE_FORMAT_ERROR, `the new bank account holds no ${input.currency}`);
    if (this.inCustody(input.newBankAccountNo, input.currency)) {
      return refused(RC.BANK_ACCOUNT_ALREADY_IN_CUSTODY, 'the new bank account is already in custody in this currency');
    }
    if (fresh.name !== old.name || fresh.idType !== old.idType || fresh.idNumber !== old.idNumber) return refused(RC.NOT_SAME_CUSTOMER, 'the two bank accounts are not the same customer\'s');
    const serial = this.serials.next();
    const record = this.record({
      ref: { issuerType: 'B', issuerId: this.bankCode, serial },
      bankSerial: serial,
      instrCd: CHANGE_BANK_ACCOUNT,
      fingerprint: fingerprintOf(CHANGE_BANK_ACCOUNT, input.currency, Money.zero(), input.newBankAccountNo, input.fundAccountNo),
      currency: input.currency,
      // CHK03's 金额 of an 11006: 0 (bank-protocol.md §5).
      amount: Money.zero(),
      // CHK03 compares the new account for an 11006 (bank-protocol.md §5).
      bankAccountNo: input.newBankAccountNo,
      fundAccountNo: input.fundAccountNo,
      custodyAccountNo: custody.custodyAccountNo,
      status: 'PENDING',
      returnCode: RC.QUERIED_IN_PROGRESS,
    });
    return { kind: 'started', record };
  }

  /** The broker's answer to an 11006: on 0000 the custody account takes the new bank account; transfers follow it. */
  settleBankAccountChange(ref: TransactionRef, answer: { readonly returnCode: string; readonly info?: string; readonly counterpartSerial?: string }): TransactionRecord {
    const record = this.pendingRecord(ref);
    const fields = { returnCode: answer.returnCode, info: answer.info, counterpartSerial: answer.counterpartSerial, updatedAt: this.clock() };
    const custody = record.custodyAccountNo === undefined ? undefined : this.custodyAccounts.get(record.custodyAccountNo);
    if (answer.returnCode !== RC.SUCCESS || !custody || custody.status !== 'NORMAL' || !record.bankAccountNo) {
      Object.assign(record, { ...fields, status: 'FAILED' });
      return { ...record };
    }
    const changed: CustodyAccount = { ...custody, bankAccountNo: record.bankAccountNo };
    this.custodyAccounts.set(changed.custodyAccountNo, changed);
    this.custodyByFundAccount.set(custodyKey(changed.fundAccountNo, changed.currency), changed);
    Object.assign(record, { ...fields, status: 'SUCCEEDED' });
    return { ...record };
  }

  // ---- bank-initiated F-3.8 B (11004, cancellation) -------------------------------------------------

  /**
   * The customer cancels the custody of a fund account in one currency at the counter (domain.md F-3.8). The bank's
   * checks are its counter's: a bank account named exists (1014) and is the one its custody account is linked to
   * (1016), and it knows who the customer is — its custody account's holder, or the named bank account's (1016
   * when neither). Whether the relationship is the broker's at this bank and whether the ledger is empty (zero
   * balance, nothing held or frozen, no transfer in flight) is the broker's to say (profile §4.1: 2011, 2013, 2010,
   * 53xx): the broker keeps the customer's money (domain.md §1, the accounting entity), and the bank asks it as it
   * asks an 11008. `BkAcct` is the named account, else the custody account's (none for a pre-designated one);
   * `ScBal` 0.00. Nothing changes before the broker's 0000; the record waits PENDING (CHK03 金额 0).
   */
  beginCancellation(input: CounterCancellationInput): BankInitiatedStart {
    const custody = this.custodyByFundAccount.get(custodyKey(input.fundAccountNo, input.currency));
    const refused = (returnCode: BankReturnCode, info: string): BankInitiatedStart => ({ kind: 'refused', returnCode, info });
    if (input.bankAccountNo !== undefined && !this.bankAccounts.has(input.bankAccountNo)) return refused(RC.BANK_ACCOUNT_NOT_FOUND, 'no such bank account');
    if (custody && input.bankAccountNo !== undefined && custody.bankAccountNo !== input.bankAccountNo) {
      return refused(RC.NOT_LINKED, 'the custody account in this currency is not linked to that bank account');
    }
    const bankAccountNo = input.bankAccountNo ?? custody?.bankAccountNo ?? undefined;
    if (!custody && bankAccountNo === undefined) return refused(RC.NOT_LINKED, 'no custody account of the fund account here and no bank account named');
    const serial = this.serials.next();
    const record = this.record({
      ref: { issuerType: 'B', issuerId: this.bankCode, serial },
      bankSerial: serial,
      instrCd: CANCEL_DESIGNATION,
      fingerprint: fingerprintOf(CANCEL_DESIGNATION, input.currency, Money.zero(), bankAccountNo ?? null, input.fundAccountNo),
      currency: input.currency,
      // CHK03's 金额 of an 11004 is its ScBal (bank-protocol.md §5): nothing leaves in a cancellation.
      amount: Money.zero(),
      bankAccountNo,
      fundAccountNo: input.fundAccountNo,
      custodyAccountNo: custody?.custodyAccountNo,
      status: 'PENDING',
      returnCode: RC.QUERIED_IN_PROGRESS,
    });
    return { kind: 'started', record };
  }

  /** Who the bank names in an 11004's `Cust`: its custody account's holder, else the named bank account's. */
  cancellationHolderOf(record: TransactionRecord): CustomerIdentity | undefined {
    if (record.custodyAccountNo !== undefined) return this.custodyHolderOf(record.custodyAccountNo);
    return record.bankAccountNo === undefined ? undefined : this.holderOf(record.bankAccountNo);
  }

  /**
   * The broker's answer to an 11004: on 0000 the custody account closes (CANCELLED: no transfer finds it, CHK02 lists
   * it cancelled, DIF04 no longer compares it). It is empty, as the broker's ledger it mirrors: a balance the bank's
   * books still hold would stay on the closed account, in the summary account, for an operator (the record says so).
   * A 0000 for a custody account the bank does not hold is a break between the two books: MANUAL. Any other answer,
   * or none (9014), leaves everything as it was (an unanswered account function is not applied, profile §4.1).
   */
  settleCancellation(ref: TransactionRef, answer: { readonly returnCode: string; readonly info?: string; readonly counterpartSerial?: string }): TransactionRecord {
    const record = this.pendingRecord(ref);
    const fields = { returnCode: answer.returnCode, info: answer.info, counterpartSerial: answer.counterpartSerial, updatedAt: this.clock() };
    if (answer.returnCode !== RC.SUCCESS) {
      Object.assign(record, { ...fields, status: 'FAILED' });
      return { ...record };
    }
    const custody = record.custodyAccountNo === undefined ? undefined : this.custodyAccounts.get(record.custodyAccountNo);
    if (!custody || custody.status === 'CANCELLED') {
      Object.assign(record, { ...fields, status: 'MANUAL', info: 'the broker cancelled a relationship this bank holds no open custody account of: manual handling' });
      return { ...record };
    }
    const left = custody.balance;
    this.closeCustody(custody, Money.zero());
    Object.assign(record, { ...fields, status: 'SUCCEEDED', ...(left.isZero() ? {} : { info: `closed with ${left.toString()} still on the custody account: an operator settles it` }) });
    return { ...record };
  }

  // ---- bank-initiated F-3.5 B (11005, customer data change) ----------------------------------------

  /**
   * The bank's check before it tells the broker a customer's new data (profile §4.1: every currency of the fund
   * account): the fund account is linked here (1016). Whether the change is allowed (the broker's record prevails:
   * no new ID document, 2009) is the broker's to say. The record names the custody account in the first currency of
   * `CURRENCIES` (CNY first), as the broker's CHK03 lists the function once.
   */
  beginCustomerChange(input: { readonly fundAccountNo: string }): BankInitiatedStart {
    const [first] = this.linkedCustodies(input.fundAccountNo).sort((a, b) => CURRENCIES.indexOf(a.currency) - CURRENCIES.indexOf(b.currency));
    if (!first?.bankAccountNo) return { kind: 'refused', returnCode: RC.NOT_LINKED, info: 'the fund account is not linked at this bank' };
    const serial = this.serials.next();
    const record = this.record({
      ref: { issuerType: 'B', issuerId: this.bankCode, serial },
      bankSerial: serial,
      instrCd: CHANGE_CUSTOMER,
      fingerprint: fingerprintOf(CHANGE_CUSTOMER, first.currency, Money.zero(), first.bankAccountNo, input.fundAccountNo),
      currency: first.currency,
      amount: Money.zero(),
      bankAccountNo: first.bankAccountNo,
      fundAccountNo: input.fundAccountNo,
      custodyAccountNo: first.custodyAccountNo,
      status: 'PENDING',
      returnCode: RC.QUERIED_IN_PROGRESS,
    });
    return { kind: 'started', record };
  }

  /**
   * The broker's answer to an 11005: on 0000 the bank's record of the customer — every bank account of the person
   * (the holder's ID document) — takes the new name and the contact data given; anything else leaves it as it was.
   */
  settleCustomerChange(ref: TransactionRef, change: CustomerChangeInput, answer: { readonly returnCode: string; readonly info?: string; readonly counterpartSerial?: string }): TransactionRecord {
    const record = this.pendingRecord(ref);
    const fields = { returnCode: answer.returnCode, info: answer.info, counterpartSerial: answer.counterpartSerial, updatedAt: this.clock() };
    const holder = record.bankAccountNo === undefined ? undefined : this.bankAccounts.get(record.bankAccountNo);
    if (answer.returnCode !== RC.SUCCESS || !holder) {
      Object.assign(record, { ...fields, status: 'FAILED' });
      return { ...record };
    }
    const contact = contactOf(change);
    for (const account of [...this.bankAccounts.values()]) {
      if (account.idType !== holder.idType || account.idNumber !== holder.idNumber) continue;
      this.bankAccounts.set(account.bankAccountNo, { ...account, name: change.name ?? account.name, contact: { ...account.contact, ...contact } });
    }
    Object.assign(record, { ...fields, status: 'SUCCEEDED' });
    return { ...record };
  }

  // ---- bank-initiated (F-4.1 B to F-4.4 B) ------------------------------------------------------

  /**
   * The bank's half of F-4.1 B, done before the request goes out (domain.md §4): debit the bank
   * account, credit the custody account and the summary, record PENDING under a new bank serial.
   */
  beginBankToSecurities(input: BankInitiatedTransferInput): BankInitiatedStart {
    return this.beginBankInitiated(BANK_TO_SECURITIES, input, (bank, custody) => {
      if (this.bankBalance(bank, input.currency).lessThan(input.amount)) return { code: RC.INSUFFICIENT_BANK_BALANCE, info: 'insufficient bank account balance' };
      this.moveBankToCustody(bank, custody, input.amount);
      return undefined;
    });
  }

  /**
   * The bank's half of F-4.2 B before the request goes out: nothing moves until the broker has debited
   * the fund ledger (domain.md §4), but the amount is held in the custody account, so that whatever
   * else happens meanwhile the bank can still pay out once the broker answers 0000.
   */
  beginSecuritiesToBank(input: BankInitiatedTransferInput): BankInitiatedStart {
    return this.beginBankInitiated(SECURITIES_TO_BANK, input, (_bank, custody) => {
      if (this.available(custody).lessThan(input.amount)) return { code: RC.INSUFFICIENT_CUSTODY_BALANCE, info: 'insufficient custody account balance' };
      this.hold(custody, input.amount);
      return undefined;
    });
  }

  /**
   * The broker answered the original (or a re-send of it). 0000: 12001 B keeps its move, 12002 B pays
   * out only now. Anything else means the broker did not (or no longer does) hold the transfer as done,
   * so the bank's own half is undone: 12001 B moves the money back, 12002 B drops its hold. 2006 says
   * the broker holds it reversed (the bank's reversal got there, its answer did not): REVERSED.
   */
  settleBankInitiated(ref: TransactionRef, answer: { readonly returnCode: string; readonly info?: string; readonly counterpartSerial?: string }): TransactionRecord {
    const record = this.pendingRecord(ref);
    const { bank, custody, amount } = this.accountsOf(record);
    const fields = { returnCode: answer.returnCode, info: answer.info, counterpartSerial: answer.counterpartSerial ?? record.counterpartSerial, updatedAt: this.clock() };
    if (answer.returnCode === RC.SUCCESS) {
      if (record.instrCd === SECURITIES_TO_BANK) {
        this.release(custody, amount);
        this.moveBankToCustody(bank, custody, amount.negated());
      }
      Object.assign(record, { ...fields, status: 'SUCCEEDED', booked: true });
      return { ...record };
    }
    if (record.instrCd === BANK_TO_SECURITIES) this.moveBankToCustody(bank, custody, amount.negated());
    else this.release(custody, amount);
    Object.assign(record, { ...fields, status: 'FAILED', booked: false });
    if (answer.returnCode === BROKER.ALREADY_REVERSED) this.rememberReversal(ref);
    return { ...record };
  }

  /**
   * No definite reply: the broker may or may not have acted. 12001 B's money stays moved and 12002 B's
   * hold stays, until a re-send, a reversal (F-4.3 B / F-4.4 B) or an operator settles it.
   */
  markUnknown(ref: TransactionRef, info: string): TransactionRecord {
    const record = this.pendingRecord(ref);
    Object.assign(record, { status: 'UNKNOWN', returnCode: RC.QUERIED_IN_PROGRESS, info, updatedAt: this.clock() });
    return { ...record };
  }

  /** F-4.5 B: an UNKNOWN original goes out again (`Resend`=`Y`, same serial) and waits as PENDING. */
  resumeUnknown(ref: TransactionRef): TransactionRecord {
    const record = this.transactions.get(refKey(ref));
    if (!record || record.ref.issuerType !== 'B' || (record.instrCd !== BANK_TO_SECURITIES && record.instrCd !== SECURITIES_TO_BANK)) {
      throw new SimulatorError('NOT_FOUND', `no bank-initiated transfer ${ref.serial}`);
    }
    if (record.status !== 'UNKNOWN') throw new SimulatorError('WRONG_STATE', `transfer ${ref.serial} is ${record.status}, not UNKNOWN`);
    if (this.reversalWaiting(ref)) throw new SimulatorError('WRONG_STATE', `a reversal of ${ref.serial} is waiting for the broker`);
    Object.assign(record, { status: 'PENDING', updatedAt: this.clock() });
    return { ...record };
  }

  /**
   * F-4.3 B (12003) / F-4.4 B (12004): record, PENDING under a new bank serial, the reversal of a
   * bank-initiated original whose outcome is UNKNOWN (or that the bank wants undone after SUCCEEDED).
   * Nothing moves before the broker answers; see `settleReversal`.
   */
  beginReversal(originalSerial: string): TransactionRecord {
    const originalRef: TransactionRef = { issuerType: 'B', issuerId: this.bankCode, serial: originalSerial };
    const original = this.transactions.get(refKey(originalRef));
    if (!original || (original.instrCd !== BANK_TO_SECURITIES && original.instrCd !== SECURITIES_TO_BANK)) {
      throw new SimulatorError('NOT_FOUND', `no bank-initiated transfer ${originalSerial}`);
    }
    if (original.status !== 'UNKNOWN' && original.status !== 'SUCCEEDED') {
      throw new SimulatorError('WRONG_STATE', `transfer ${originalSerial} is ${original.status}: only an UNKNOWN or SUCCEEDED transfer is reversed`);
    }
    if (this.reversalWaiting(originalRef)) throw new SimulatorError('WRONG_STATE', `a reversal of ${originalSerial} is already waiting for the broker`);
    const instrCd = original.instrCd === BANK_TO_SECURITIES ? REVERSE_BANK_TO_SECURITIES : REVERSE_SECURITIES_TO_BANK;
    const serial = this.serials.next();
    return this.record({
      ref: { issuerType: 'B', issuerId: this.bankCode, serial },
      bankSerial: serial,
      instrCd,
      fingerprint: [instrCd, refKey(originalRef)].join('|'),
      cancelledRef: originalRef,
      amount: original.amount,
      currency: original.currency,
      bankAccountNo: original.bankAccountNo,
      fundAccountNo: original.fundAccountNo,
      custodyAccountNo: original.custodyAccountNo,
      status: 'PENDING',
      returnCode: RC.QUERIED_IN_PROGRESS,
    });
  }

  /**
   * The broker answered a bank-initiated reversal. The rule, from domain.md F-4.3 B / F-4.4 B and
   * profile §4:
   * - 0000, 2005 (it never saw the original and will refuse it for ever) and 2006 (an earlier reversal
   *   did it) all mean the broker holds the original as without effect, so the bank undoes its own half:
   *   12001 B had moved bank → custody at the start, so it moves back, whether the original was UNKNOWN
   *   or SUCCEEDED; 12002 B paid out only on a 0000 to the original, so a SUCCEEDED one moves
   *   bank → custody, while an UNKNOWN one had only held the amount and just drops the hold.
   *   The original becomes REVERSED. The custody account follows the broker even when the bank's own
   *   unanswered operations leave it short for a while; only a customer's bank account that no longer holds
   *   a payout to take back sends the original to MANUAL (the broker's side is already undone; an operator
   *   settles it).
   * - 2008 (12003: the deposit's funds were already used at the broker): the original stays as it is,
   *   its money moved, and goes to MANUAL for an operator.
   * - Any other answer (mismatch, not enabled, not sent): the reversal FAILED, the original is unchanged.
   */
  settleReversal(ref: TransactionRef, answer: { readonly returnCode: string; readonly info?: string; readonly counterpartSerial?: string }): { readonly reversal: TransactionRecord; readonly original: TransactionRecord } {
    const reversal = this.pendingRecord(ref);
    const original = reversal.cancelledRef && this.transactions.get(refKey(reversal.cancelledRef));
    if (!original) throw new Error(`reversal ${ref.serial} lost its original`);
    const fields = { returnCode: answer.returnCode, info: answer.info, counterpartSerial: answer.counterpartSerial, updatedAt: this.clock() };
    const undone = answer.returnCode === RC.SUCCESS || answer.returnCode === BROKER.REVERSAL_ORIGINAL_NOT_FOUND || answer.returnCode === BROKER.ALREADY_REVERSED;
    if (undone) {
      const undo = this.undoBankInitiated(original);
      Object.assign(reversal, { ...fields, status: 'SUCCEEDED', booked: undo.moved });
      this.rememberReversal(original.ref);
      if (undo.stuck) Object.assign(original, { status: 'MANUAL', info: `reversed at the broker (${answer.returnCode}) but ${undo.stuck}: manual handling` });
    } else {
      Object.assign(reversal, { ...fields, status: 'FAILED' });
      if (answer.returnCode === BROKER.REVERSAL_FUNDS_USED && original.instrCd === BANK_TO_SECURITIES) {
        Object.assign(original, { status: 'MANUAL', info: 'reversal refused 2008: the funds were already used at the broker; manual handling', updatedAt: this.clock() });
      }
    }
    return { reversal: { ...reversal }, original: { ...original } };
  }

  // ---- rules ------------------------------------------------------------------------------------

  /** Profile §4 idempotency: reversed stays reversed; a processed `Ref` is answered from the log. */
  private prior(ref: TransactionRef, fingerprint: string): BookOutcome | undefined {
    if (this.reversedRefs.has(refKey(ref))) return { kind: 'rejected', returnCode: RC.ALREADY_REVERSED, info: 'this serial was reversed' };
    const record = this.transactions.get(refKey(ref));
    if (!record) return undefined;
    if (record.fingerprint !== fingerprint) return { kind: 'rejected', returnCode: RC.DUPLICATE_SERIAL, info: 'serial already used for another request' };
    return { kind: 'replayed', record: { ...record } };
  }

  /** Whether one of the bank's account holders has this ID document (type and number) under another name. */
  private holdsDocumentUnderAnotherName(customer: CustomerIdentity): boolean {
    return [...this.bankAccounts.values()].some((account) => account.idType === customer.idType && account.idNumber === customer.idNumber && account.name !== customer.name);
  }

  private designationRefusal(input: DesignationInput): Refusal | undefined {
    const existing = this.custodyByFundAccount.get(custodyKey(input.fundAccountNo, input.currency));
    // Profile §4.1: only the bank's own 11003 confirms a pre-designation, whatever bank account the 11001 names.
    if (existing?.status === 'PRE_DESIGNATED') return { code: RC.RELATIONSHIP_EXISTS, info: 'the fund account is pre-designated in this currency: only the bank confirms it (11003)' };
    const bank = this.bankAccounts.get(input.bankAccountNo);
    if (!bank) return { code: RC.BANK_ACCOUNT_NOT_FOUND, info: 'no such bank account' };
    const wrongPassword = this.passwordRefusal(bank, input.password);
    if (wrongPassword) return wrongPassword;
    const otherPerson = identityRefusal(input.customer, bank);
    if (otherPerson) return otherPerson;
    if (!bank.balances.has(input.currency)) return { code: RC.MESSAGE_FORMAT_ERROR, info: `the bank account holds no ${input.currency}` };
    if (existing?.bankAccountNo === input.bankAccountNo) return { code: RC.ALREADY_LINKED, info: 'fund account and bank account are already linked' };
    if (existing) return { code: RC.RELATIONSHIP_EXISTS, info: 'the fund account already has a custody relationship in this currency' };
    if (this.inCustody(input.bankAccountNo, input.currency)) return { code: RC.BANK_ACCOUNT_ALREADY_IN_CUSTODY, info: 'the bank account is linked to another fund account' };
    return undefined;
  }

  private cancellationRefusal(input: CancellationInput, custody: CustodyAccount | undefined): Refusal | undefined {
    if (!custody) return { code: RC.NOT_LINKED, info: 'the fund account has no custody relationship here in this currency' };
    if (input.bankAccountNo === undefined && custody.bankAccountNo !== null) return { code: RC.MESSAGE_FORMAT_ERROR, info: '11004 of a designated relationship needs BkAcct' };
    if (input.bankAccountNo !== undefined && input.bankAccountNo !== custody.bankAccountNo) return { code: RC.NOT_LINKED, info: 'the bank account is not linked to this fund account' };
    const holder = custody.bankAccountNo === null ? custody.preDesignatedHolder : this.holderOf(custody.bankAccountNo);
    if (input.customer.idType !== holder?.idType) return { code: RC.CERT_TYPE_MISMATCH, info: 'ID type does not match the account holder' };
    if (input.customer.idNumber !== holder.idNumber) return { code: RC.CERT_ID_MISMATCH, info: 'ID number does not match the account holder' };
    if (input.customer.name !== holder.name) return { code: RC.NOT_SAME_CUSTOMER, info: 'name does not match the account holder' };
    if (custody.accountState) return { code: RC.CUSTODY_FUNDS_FROZEN, info: `the custody account is ${custody.accountState}` };
    if (this.inFlight(custody)) return { code: RC.CUSTODY_TRANSFER_IN_FLIGHT, info: 'a transfer of the custody account waits for its answer' };
    if (!custody.balance.equals(input.balanceLeaving)) return { code: RC.CUSTODY_BALANCE_LEFT, info: `the custody account holds ${custody.balance.toString()}, not the ${input.balanceLeaving.toString()} asked` };
    return undefined;
  }

  /** A withdrawal's hold, or one of the bank's own transfers on the custody account still without a definite answer. */
  private inFlight(custody: CustodyAccount): boolean {
    if (this.held.has(custody.custodyAccountNo)) return true;
    return [...this.transactions.values()].some(
      (r) => r.custodyAccountNo === custody.custodyAccountNo && TRANSFER_FUNCTIONS.has(r.instrCd) && (r.status === 'PENDING' || r.status === 'UNKNOWN' || r.status === 'MANUAL'),
    );
  }

  private bankAccountChangeRefusal(input: BrokerBankAccountChangeInput, custody: CustodyAccount | undefined): Refusal | undefined {
    const old = custody?.status === 'NORMAL' && custody.bankAccountNo === input.oldBankAccountNo ? this.bankAccounts.get(input.oldBankAccountNo) : undefined;
    if (!custody || !old) return { code: RC.NOT_LINKED, info: 'the old bank account is not linked to this fund account in this currency' };
    if (input.newBankAccountNo === input.oldBankAccountNo) return { code: RC.ALREADY_LINKED, info: 'the new bank account is the one already linked' };
    const frozen = frozenRefusal(custody);
    if (frozen) return frozen;
    if (input.passwordGiven && !input.password?.(old.password)) return { code: RC.WRONG_PASSWORD, info: 'wrong bank password for the old account' };
    const next = this.bankAccounts.get(input.newBankAccountNo);
    if (!next) return { code: RC.BANK_ACCOUNT_NOT_FOUND, info: 'no such new bank account' };
    if (!next.balances.has(input.currency)) return { code: RC.MESSAGE_FORMAT_ERROR, info: `the new bank account holds no ${input.currency}` };
    if (next.name !== old.name || next.idType !== old.idType || next.idNumber !== old.idNumber) {
      return { code: RC.NOT_SAME_CUSTOMER, info: 'the new bank account does not belong to the holder of the old one' };
    }
    const taken = [...this.custodyAccounts.values()].some((c) => c.bankAccountNo === input.newBankAccountNo && c.currency === input.currency);
    if (taken) return { code: RC.BANK_ACCOUNT_ALREADY_IN_CUSTODY, info: 'the new bank account is linked to another fund account' };
    return undefined;
  }

  private reversalRefusal(input: ReversalInput, original: MutableRecord | undefined): Refusal | undefined {
    if (input.instrCd === REVERSE_SECURITIES_TO_BANK && !this.acceptsSecuritiesToBankReversal) {
      return { code: RC.TRANSACTION_NOT_ENABLED, info: 'this bank does not accept a 12004 from the broker: query or re-send instead' };
    }
    if (input.cancelledRef.issuerType !== input.ref.issuerType || input.cancelledRef.issuerId !== input.ref.issuerId) {
      return { code: RC.REVERSAL_MISMATCH, info: "a reversal names one of its own initiator's originals" };
    }
    if (this.reversedRefs.has(refKey(input.cancelledRef))) return { code: RC.ALREADY_REVERSED, info: 'the original was already reversed' };
    if (!original) return undefined;
    if (original.instrCd !== REVERSED_INSTRUCTION[input.instrCd]) return { code: RC.REVERSAL_INSTRUCTION_MISMATCH, info: `the original is a ${original.instrCd}` };
    const otherAccount = (input.bankAccountNo !== undefined && input.bankAccountNo !== original.bankAccountNo) || (input.fundAccountNo !== undefined && input.fundAccountNo !== original.fundAccountNo);
    if (otherAccount) return { code: RC.REVERSAL_ACCOUNT_MISMATCH, info: 'the accounts differ from the original' };
    if (input.currency !== undefined && input.currency !== original.currency) return { code: RC.REVERSAL_CURRENCY_MISMATCH, info: 'the currency differs from the original' };
    if (input.amount !== undefined && !(original.amount && input.amount.equals(original.amount))) return { code: RC.REVERSAL_MISMATCH, info: 'the amount differs from the original' };
    if (original.status !== 'SUCCEEDED') return undefined;
    const { bank, custody, amount } = this.accountsOf(original);
    if (original.instrCd === BANK_TO_SECURITIES && this.available(custody).lessThan(amount)) {
      return { code: RC.INSUFFICIENT_CUSTODY_BALANCE, info: 'the custody account no longer holds the amount' };
    }
    if (original.instrCd === SECURITIES_TO_BANK && this.bankBalance(bank, custody.currency).lessThan(amount)) {
      return { code: RC.REVERSAL_BANK_BALANCE_SHORT, info: 'the bank account no longer holds the amount' };
    }
    return undefined;
  }

  /** Undoes a succeeded broker-initiated transfer (the caller checked the balance). */
  private moveBack(original: MutableRecord): void {
    const { bank, custody, amount } = this.accountsOf(original);
    this.moveBankToCustody(bank, custody, original.instrCd === BANK_TO_SECURITIES ? amount.negated() : amount);
  }

  /**
   * The bank's own half of a bank-initiated original, undone (see `settleReversal`): whether money moved back
   * (the reversal is then on the books), and why not, when it cannot be.
   */
  private undoBankInitiated(original: MutableRecord): { readonly moved: boolean; readonly stuck?: string } {
    const { bank, custody, amount } = this.accountsOf(original);
    if (original.instrCd === BANK_TO_SECURITIES) {
      // No balance check: the broker has already taken the money back from its ledger (0000, 2006) or never
      // credited it (2005), and the custody account mirrors that ledger. Only the bank's own operations still
      // waiting on the broker (a withdrawal's hold, a reversal without an answer) can leave it short, and then
      // only until the bank ends them; refusing here would leave the two books apart for good.
      this.moveBankToCustody(bank, custody, amount.negated());
      return { moved: true };
    }
    if (original.status === 'UNKNOWN') {
      this.release(custody, amount);
      return { moved: false };
    }
    if (this.bankBalance(bank, custody.currency).lessThan(amount)) return { moved: false, stuck: 'the bank account no longer holds the amount' };
    this.moveBankToCustody(bank, custody, amount);
    return { moved: true };
  }

  /** What both bank-initiated transfers share: the counter's checks, then `start` (its own check and move), then the record. */
  private beginBankInitiated(
    instrCd: typeof BANK_TO_SECURITIES | typeof SECURITIES_TO_BANK,
    input: BankInitiatedTransferInput,
    start: (bank: BankAccount, custody: CustodyAccount) => Refusal | undefined,
  ): BankInitiatedStart {
    const bank = this.bankAccounts.get(input.bankAccountNo);
    const custody = this.linkedCustody(input.fundAccountNo, input.currency, input.bankAccountNo);
    const refusal =
      (bank ? undefined : { code: RC.BANK_ACCOUNT_NOT_FOUND, info: 'no such bank account' }) ??
      (custody ? undefined : { code: RC.NOT_LINKED, info: 'fund account and bank account are not linked for this currency' }) ??
      (bank && custody ? start(bank, custody) : undefined);
    if (refusal || !bank || !custody) {
      const { code, info } = refusal ?? { code: RC.SYSTEM_ERROR, info: 'inconsistent books' };
      return { kind: 'refused', returnCode: code, info };
    }
    const serial = this.serials.next();
    const record = this.record({
      ref: { issuerType: 'B', issuerId: this.bankCode, serial },
      bankSerial: serial,
      instrCd,
      fingerprint: fingerprintOf(instrCd, input.currency, input.amount, input.bankAccountNo, input.fundAccountNo),
      amount: input.amount,
      currency: input.currency,
      bankAccountNo: input.bankAccountNo,
      fundAccountNo: input.fundAccountNo,
      custodyAccountNo: custody.custodyAccountNo,
      status: 'PENDING',
      returnCode: RC.QUERIED_IN_PROGRESS,
      // 12001 B moved the bank's money at the start; 12002 B only holds it until the broker's 0000.
      booked: instrCd === BANK_TO_SECURITIES,
    });
    return { kind: 'started', record };
  }

  private passwordRefusal(bank: BankAccount, password: PasswordProof | undefined): Refusal | undefined {
    if (!password) return { code: RC.WRONG_PASSWORD, info: 'bank password missing or unreadable' };
    return password(bank.password) ? undefined : { code: RC.WRONG_PASSWORD, info: 'wrong bank password' };
  }

  /**
   * F-3.8 (11004, either initiator): the custody account closes — CANCELLED, found by no function, its fund account free
   * to be designated again — and `balanceLeaving` (its `ScBal`) leaves it and the summary account with it.
   */
  private closeCustody(custody: CustodyAccount, balanceLeaving: Money): void {
    custody.balance = custody.balance.minus(balanceLeaving);
    custody.status = 'CANCELLED';
    this.addToSummary(custody.currency, balanceLeaving.negated());
    this.custodyByFundAccount.delete(custodyKey(custody.fundAccountNo, custody.currency));
    this.verifyInvariant();
  }

  /** Whether the bank account is the custody link of a fund account in the currency (a cancelled one no longer is). */
  private inCustody(bankAccountNo: string, currency: Currency): boolean {
    return [...this.custodyAccounts.values()].some((c) => c.bankAccountNo === bankAccountNo && c.currency === currency && c.status !== 'CANCELLED');
  }

  private linkedCustody(fundAccountNo: string, currency: Currency, bankAccountNo: string): CustodyAccount | undefined {
    const custody = this.custodyByFundAccount.get(custodyKey(fundAccountNo, currency));
    return custody && custody.bankAccountNo === bankAccountNo && custody.status === 'NORMAL' ? custody : undefined;
  }

  private bankBalance(bank: BankAccount, currency: Currency): Money {
    return bank.balances.get(currency) ?? Money.zero();
  }

  /** One move touching three balances; a negative amount moves the other way. */
  private moveBankToCustody(bank: BankAccount, custody: CustodyAccount, amount: Money): void {
    bank.balances.set(custody.currency, this.bankBalance(bank, custody.currency).minus(amount));
    custody.balance = custody.balance.plus(amount);
    this.addToSummary(custody.currency, amount);
    this.verifyInvariant();
  }

  /** A new relationship's custody account; its opening balance is the fund account's money the broker holds in the summary account (F-3.1/F-3.3). */
  private openCustody(custody: CustodyAccount): void {
    this.custodyAccounts.set(custody.custodyAccountNo, custody);
    this.custodyByFundAccount.set(custodyKey(custody.fundAccountNo, custody.currency), custody);
    this.addToSummary(custody.currency, custody.balance);
    this.verifyInvariant();
  }

  /** A custody account with other links or holder: the same account, number and balance, in both indexes. */
  private replaceCustody(custody: CustodyAccount): void {
    this.custodyAccounts.set(custody.custodyAccountNo, custody);
    this.custodyByFundAccount.set(custodyKey(custody.fundAccountNo, custody.currency), custody);
  }

  private addToSummary(currency: Currency, amount: Money): void {
    this.summary.set(currency, (this.summary.get(currency) ?? Money.zero()).plus(amount));
  }

  private verifyInvariant(): void {
    const broken = this.invariantBreaks();
    if (broken.length > 0) throw new InvariantBroken(`I4 broken for ${broken.join(', ')}`);
  }

  private pendingRecord(ref: TransactionRef): MutableRecord {
    const record = this.transactions.get(refKey(ref));
    if (!record || record.status !== 'PENDING') throw new Error(`no pending bank-initiated transaction ${ref.serial}`);
    return record;
  }

  /** One answer at a time per original: a reversal and a re-send in flight together would each settle it. */
  private reversalWaiting(original: TransactionRef): boolean {
    return [...this.transactions.values()].some((r) => r.status === 'PENDING' && r.cancelledRef !== undefined && refKey(r.cancelledRef) === refKey(original));
  }

  private accountsOf(record: TransactionRecord): { readonly bank: BankAccount; readonly custody: CustodyAccount; readonly amount: Money } {
    const bank = this.bankAccounts.get(record.bankAccountNo ?? '');
    const custody = this.custodyAccounts.get(record.custodyAccountNo ?? '');
    if (!bank || !custody || !record.amount) throw new Error(`transaction ${record.ref.serial} lost its accounts`);
    return { bank, custody, amount: record.amount };
  }

  /** What a debit of the custody account may take: its balance less what F-4.2 B withdrawals hold. */
  private available(custody: CustodyAccount): Money {
    return custody.balance.minus(this.held.get(custody.custodyAccountNo) ?? Money.zero());
  }

  private hold(custody: CustodyAccount, amount: Money): void {
    this.held.set(custody.custodyAccountNo, (this.held.get(custody.custodyAccountNo) ?? Money.zero()).plus(amount));
  }

  private release(custody: CustodyAccount, amount: Money): void {
    const remaining = (this.held.get(custody.custodyAccountNo) ?? Money.zero()).minus(amount);
    if (remaining.isNegative()) throw new InvariantBroken(`custody account ${custody.custodyAccountNo} released more than it held`);
    if (remaining.isZero()) this.held.delete(custody.custodyAccountNo);
    else this.held.set(custody.custodyAccountNo, remaining);
  }

  private record(
    fields: Omit<MutableRecord, 'bankSerial' | 'recordedAt' | 'updatedAt' | 'clearingDate' | 'afterDayEnd' | 'booked'> & { readonly bankSerial?: string; readonly booked?: boolean },
  ): TransactionRecord {
    const now = this.clock();
    const record: MutableRecord = {
      ...fields,
      booked: fields.booked ?? false,
      bankSerial: fields.bankSerial ?? this.serials.next(),
      recordedAt: now,
      updatedAt: now,
      clearingDate: this.day.date,
      afterDayEnd: this.day.hasEnded,
    };
    this.transactions.set(refKey(record.ref), record);
    return { ...record };
  }
}
