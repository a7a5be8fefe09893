import type { Chk01Record, DifReason } from '@custody/bank-protocol';
import type { AdjustmentKind } from '@custody/contracts';
import type { Currency, Money } from '@custody/money';

/** A transfer the transfer service held UNKNOWN at the snapshot (13011), as CHK01 would list it had it succeeded. */
export interface SnapshotUnknown {
  readonly transferId: string;
  readonly record: Chk01Record;
}

/** What a break proposes (api.md's table; docs/design.md "Reconciliation"). */
export interface Proposal {
  readonly kind: AdjustmentKind;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  /** CREDIT/DEBIT: what the ledger moves, positive; RESOLVE_UNKNOWN: the transfer's amount (four eyes). */
  readonly amount?: Money;
  readonly transferId?: string;
  readonly resolveTo?: 'SUCCEEDED' | 'FAILED';
  /** One line for the operator. */
  readonly reason: string;
}

/** A CHK01 break as the comparison found it. */
export type TransferBreak =
  /** Only the bank lists it; `unknown` when the broker holds that (initiator, serial) as an UNKNOWN transfer. */
  | { readonly reason: 'B'; readonly bank: Chk01Record; readonly unknown?: SnapshotUnknown }
  /** Only the broker lists it. */
  | { readonly reason: 'S'; readonly broker: Chk01Record }
  /** An UNKNOWN transfer of the snapshot that the bank does not list (a break of no file record). */
  | { readonly reason: 'S'; readonly unknown: SnapshotUnknown }
  | { readonly reason: 'X'; readonly broker: Chk01Record; readonly bank: Chk01Record; readonly differingFields: readonly string[] };

/** Money into the fund account: 12001 (bank → securities) and 12004 (a withdrawal reversed). */
function intoFundAccount(record: Chk01Record): boolean {
  return record.functionCode === '12001' || record.functionCode === '12004';
}

function serialOf(record: Chk01Record): string {
  return (record.initiator === 'B' ? record.bankSerialNo : record.brokerSerialNo) ?? '';
}

function named(record: Chk01Record): string {
  return `${record.functionCode} of ${record.amount.toString()} ${record.currency} (${record.initiator} serial ${serialOf(record)}, fund account ${record.fundAccountNo})`;
}

/** The money to move on the fund ledger so that it holds what the bank's record of `record` says it should. */
function towardsBank(record: Chk01Record, into: boolean, amount: Money, reason: string): Proposal {
  return { kind: into ? 'CREDIT' : 'DEBIT', fundAccountNo: record.fundAccountNo, currency: record.currency, amount, reason };
}

function manual(record: Chk01Record, reason: string): Proposal {
  return { kind: 'MANUAL', fundAccountNo: record.fundAccountNo, currency: record.currency, reason };
}

/**
 * The adjustment a CHK01 break proposes (api.md "Clearing and the day"): the bank holds the cash, so its record of
 * a money movement stands. B → the movement the broker never booked (CREDIT for money in, DEBIT for money out),
 * or RESOLVE_UNKNOWN → SUCCEEDED when it is the broker's UNKNOWN transfer and the bank's record agrees with it;
 * S → the inverse, or RESOLVE_UNKNOWN → FAILED for an UNKNOWN transfer the bank does not list; X on `amount`
 * alone → the difference towards the bank's amount; anything else → MANUAL.
 */
export function proposeForTransfer(found: TransferBreak, differingFromUnknown: readonly string[] = []): Proposal {
  if (found.reason === 'B') {
    const { bank, unknown } = found;
    if (unknown) {
      if (differingFromUnknown.length === 0) {
        return { kind: 'RESOLVE_UNKNOWN', fundAccountNo: unknown.record.fundAccountNo, currency: unknown.record.currency, amount: unknown.record.amount, transferId: unknown.transferId, resolveTo: 'SUCCEEDED', reason: `B: the bank booked the broker's UNKNOWN ${named(bank)}: it succeeded` };
      }
      return manual(bank, `B: the bank booked the broker's UNKNOWN ${named(bank)}, but its ${differingFromUnknown.join(', ')} differ from the transfer's`);
    }
    return towardsBank(bank, intoFundAccount(bank), bank.amount, `B: the bank's ${named(bank)} the broker never booked`);
  }
  if (found.reason === 'S') {
    if ('unknown' in found) {
      const { transferId, record } = found.unknown;
      return { kind: 'RESOLVE_UNKNOWN', fundAccountNo: record.fundAccountNo, currency: record.currency, amount: record.amount, transferId, resolveTo: 'FAILED', reason: `S: the broker's UNKNOWN ${named(record)} is not listed by the bank: it failed` };
    }
    const { broker } = found;
    return towardsBank(broker, !intoFundAccount(broker), broker.amount, `S: the broker's ${named(broker)} the bank does not have`);
  }
  const { broker, bank, differingFields } = found;
  if (differingFields.length === 1 && differingFields[0] === 'amount') {
    const difference = bank.amount.minus(broker.amount);
    const into = intoFundAccount(bank) !== difference.isNegative();
    const amount = difference.isNegative() ? difference.negated() : difference;
    return towardsBank(broker, into, amount, `X: ${broker.functionCode} (${broker.initiator} serial ${serialOf(broker)}) is ${broker.amount.toString()} at the broker, ${bank.amount.toString()} at the bank`);
  }
  return manual(broker, `X: ${broker.functionCode} (${broker.initiator} serial ${serialOf(broker)}) differs in ${differingFields.join(', ')}`);
}

/** CHK02, CHK03 and CHK04 breaks, and operator cases, are settled by a person (MANUAL). */
export function proposeManual(fundAccountNo: string, currency: Currency, reason: DifReason | null, what: string): Proposal {
  return { kind: 'MANUAL', fundAccountNo, currency, reason: reason === null ? what : `${reason}: ${what}` };
}
