import type { ClearPin } from '@custody/bank-protocol';
import type { Currency, Money } from '@custody/money';

/** Who issued a serial (profile §1 `Ref`): `S` the broker, `B` this bank. */
export type IssuerType = 'S' | 'B';

export interface TransactionRef {
  readonly issuerType: IssuerType;
  readonly issuerId: string;
  readonly serial: string;
}

export function refKey(ref: TransactionRef): string {
  return `${ref.issuerType}/${ref.issuerId}/${ref.serial}`;
}

/**
 * domain.md §4: PENDING while the bank waits for the broker (bank-initiated only); UNKNOWN when no reply
 * came; REVERSED once a reversal undid it (or it was refused for ever because its reversal came first);
 * MANUAL when the broker refused to reverse it (2008) and an operator must settle it.
 */
export type TransactionStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN' | 'REVERSED' | 'MANUAL';

export interface TransactionRecord {
  readonly ref: TransactionRef;
  readonly instrCd: string;
  /** What the request asked for; a later request with the same `Ref` must ask for the same thing. */
  readonly fingerprint: string;
  readonly status: TransactionStatus;
  readonly returnCode: string;
  readonly info?: string;
  readonly amount?: Money;
  readonly currency?: Currency;
  readonly bankAccountNo?: string;
  readonly fundAccountNo?: string;
  readonly custodyAccountNo?: string;
  /** The bank's serial: its reply's `Ref` for a broker-initiated request, the request's `Ref` for its own. */
  readonly bankSerial: string;
  /** The broker's reply `Ref` to a bank-initiated request. */
  readonly counterpartSerial?: string;
  /** A reversal's `CnRef`: the original it undoes. */
  readonly cancelledRef?: TransactionRef;
  readonly recordedAt: Date;
  readonly updatedAt: Date;
  /** The bank's business date D when it was recorded: the clearing date it is stamped with (§7 step 1). */
  readonly clearingDate: string;
  /** Recorded after the day's 13011: not in D's snapshot, it belongs to the next date (§7 step 3). */
  readonly afterDayEnd: boolean;
  /**
   * Its own movement is on the bank's books (bank-protocol.md §5: what a side lists for D). Set when it moves
   * money and cleared only when its own refusal undoes that move: a reversed original stays booked beside its
   * reversal (two CHK01 records), a 12001 B without an answer is booked, a 12002 B that only holds is not.
   */
  readonly booked: boolean;
}

export interface CustomerIdentity {
  readonly name: string;
  readonly idType: string;
  readonly idNumber: string;
}

/** The contact data the bank keeps of an account holder (§6.5 `Mobile`, `Addr`, `Email`), set by an 11005. */
export interface CustomerContact {
  readonly mobile?: string;
  readonly address?: string;
  readonly email?: string;
}

export interface BankAccountOpening extends CustomerIdentity {
  readonly bankAccountNo: string;
  readonly password: ClearPin;
  readonly currency: Currency;
  readonly balance: Money;
}

/** What may leave the books about a bank account: never its password or ID number. */
export interface BankAccountSnapshot {
  readonly bankAccountNo: string;
  readonly name: string;
  readonly contact: CustomerContact;
  readonly balances: ReadonlyMap<Currency, Money>;
}

/** F-3.4 B (11006) at the bank's counter: the fund account's relationship in `currency` moves from `bankAccountNo` to `newBankAccountNo`. */
export interface BankAccountChangeInput {
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly bankAccountNo: string;
  readonly newBankAccountNo: string;
}

/**
 * F-3.5 B (11005) at the bank's counter: the customer's new data for the fund account's holder. What is left out is
 * the bank's record as it is (a name and an ID document travel in full, profile §4.1); a contact field given is new.
 */
export interface CustomerChangeInput extends Partial<CustomerIdentity>, CustomerContact {
  readonly fundAccountNo: string;
}

/**
 * `NORMAL`: designated (F-3.3), linked to a bank account, transfers open. `PRE_DESIGNATED` (F-3.1, 11002): opened
 * with the fund account's opening balance and no bank account yet; no transfer finds it until a confirmation
 * (11003) links one.
 */
export type CustodyAccountStatus = 'NORMAL' | 'PRE_DESIGNATED';

/** 11011 (profile §4.1, §7.12): a linked custody account frozen or reported lost refuses transfers; NORMAL otherwise. */
export type CustodyAccountState = 'NORMAL' | 'FROZEN' | 'LOST';

export interface CustodyAccountSnapshot {
  readonly custodyAccountNo: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  /** None while the relationship is pre-designated. */
  readonly bankAccountNo: string | null;
  readonly balance: Money;
  readonly status: CustodyAccountStatus;
  readonly accountState: CustodyAccountState;
}

/**
 * Proof of the customer's bank password, checked against the PIN on record. The books never see the
 * PIN block or the session key: the protocol edge wraps them in this function.
 */
export type PasswordProof = (pinOnRecord: ClearPin) => boolean;

export interface DesignationInput {
  readonly ref: TransactionRef;
  readonly bankAccountNo: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly customer: CustomerIdentity;
  readonly password?: PasswordProof;
  readonly openingBalance: Money;
}

/** F-3.1 S, 11002: no bank account and no password; the identity is the broker's record of its customer. */
export interface PreDesignationInput {
  readonly ref: TransactionRef;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly customer: CustomerIdentity;
  readonly openingBalance: Money;
}

export interface TransferInput {
  readonly ref: TransactionRef;
  readonly bankAccountNo: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly amount: Money;
  readonly password?: PasswordProof;
}

export type ReversalInstrCd = '12003' | '12004';

/**
 * A broker's 12003/12004 (F-4.3 S, F-4.4 S). The accounts, currency and amount are optional on the wire
 * (§5.15.4 h); whichever are present must match the original.
 */
export interface ReversalInput {
  readonly ref: TransactionRef;
  readonly instrCd: ReversalInstrCd;
  readonly cancelledRef: TransactionRef;
  readonly bankAccountNo?: string;
  readonly fundAccountNo?: string;
  readonly currency?: Currency;
  readonly amount?: Money;
}

/** F-4.1 B and F-4.2 B at the bank's counter. */
export interface BankInitiatedTransferInput {
  readonly bankAccountNo: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly amount: Money;
}

/**
 * The answer to a broker-initiated request. `processed`: new, now recorded (succeeded or refused).
 * `replayed`: its `Ref` was processed before; nothing moved now. `rejected`: refused without being
 * recorded (a reversed original, or a reused serial with other content).
 */
export type BookOutcome =
  | { readonly kind: 'processed'; readonly record: TransactionRecord }
  | { readonly kind: 'replayed'; readonly record: TransactionRecord }
  | { readonly kind: 'rejected'; readonly returnCode: string; readonly info: string };

export interface QueryAnswer {
  /** The original's result for `OrgRst` (profile §4). */
  readonly returnCode: string;
  readonly record?: TransactionRecord;
}

/** `refused`: nothing recorded, nothing sent; `started`: recorded PENDING, to be sent under the record's `Ref`. */
export type BankInitiatedStart =
  | { readonly kind: 'started'; readonly record: TransactionRecord }
  | { readonly kind: 'refused'; readonly returnCode: string; readonly info: string };
