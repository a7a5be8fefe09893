import { type Chk01Record, type DayFileRecords, differingFields, matchKeyOf } from '@custody/bank-protocol';
import type { FoundBreak } from '../breaks/break-book';
import { proposeForTransfer, proposeManual, type Proposal, type SnapshotUnknown } from '../breaks/break-proposal';
import { breakSide } from '../breaks/break-sides';
import type { DetailFile } from './check-columns';

export interface Judged {
  readonly found: FoundBreak;
  readonly proposal: Proposal;
}

/** Which bank's day a break belongs to. */
export interface DayOf {
  readonly bankCode: string;
  readonly businessDate: string;
}

function serialOf(record: DayFileRecords['CHK01' | 'CHK03']): string | null {
  return record.initiator === 'B' ? record.bankSerialNo : record.brokerSerialNo;
}

function identity<T extends DetailFile>(type: T, record: DayFileRecords[T]): Pick<FoundBreak, 'initiator' | 'serialNo'> {
  if (type === 'CHK02') return { initiator: null, serialNo: null };
  const transfer = record as DayFileRecords['CHK01' | 'CHK03'];
  return { initiator: transfer.initiator, serialNo: serialOf(transfer) };
}

function describe<T extends DetailFile>(type: T, reason: 'B' | 'S' | 'X', record: DayFileRecords[T], differing: readonly string[]): string {
  const subject =
    type === 'CHK02'
      ? `the custody relationship of fund account ${record.fundAccountNo} ${record.currency}`
      : `${(record as DayFileRecords['CHK03']).functionCode} (${(record as DayFileRecords['CHK03']).initiator} serial ${serialOf(record as DayFileRecords['CHK03']) ?? ''}) of fund account ${record.fundAccountNo}`;
  if (reason === 'B') return `${type}: ${subject} is listed by the bank only`;
  if (reason === 'S') return `${type}: ${subject} is listed by the broker only`;
  return `${type}: ${subject} differs in ${differing.join(', ')}`;
}

/**
 * One record of a bank's day as the two sides' CHK files hold it (F-6.2, bank-protocol.md §5): null when both
 * agree on every compared field, else the break (`B` bank only, `S` broker only, `X` fields differ, by the
 * codec's own `differingFields`) and its proposed adjustment. For CHK01, `unknowns` are the transfers the
 * broker held UNKNOWN at the snapshot: one the bank lists is resolved to SUCCEEDED.
 */
export function judgeRecord<T extends DetailFile>(day: DayOf, type: T, broker: DayFileRecords[T] | null, bank: DayFileRecords[T] | null, unknowns: ReadonlyMap<string, SnapshotUnknown>): Judged | null {
  const either = (broker ?? bank)!;
  const differing = broker && bank ? differingFields(type, broker, bank) : [];
  if (broker && bank && differing.length === 0) return null;
  const reason = broker && bank ? 'X' : broker ? 'S' : 'B';
  const found: FoundBreak = {
    ...day,
    stage: 'DETAIL',
    file: type,
    reason,
    matchKey: matchKeyOf(type, either),
    ...identity(type, either),
    fundAccountNo: either.fundAccountNo,
    currency: either.currency,
    differingFields: differing,
    broker: broker && breakSide(type, broker),
    bank: bank && breakSide(type, bank),
    inFiles: true,
    description: describe(type, reason, either, differing),
  };
  if (type !== 'CHK01') return { found, proposal: proposeManual(either.fundAccountNo, either.currency, reason, found.description!) };
  const [s, b] = [broker as Chk01Record | null, bank as Chk01Record | null];
  if (s && b) return { found, proposal: proposeForTransfer({ reason: 'X', broker: s, bank: b, differingFields: differing }) };
  if (s) return { found, proposal: proposeForTransfer({ reason: 'S', broker: s }) };
  const unknown = unknowns.get(found.matchKey!);
  return { found, proposal: proposeForTransfer({ reason: 'B', bank: b!, unknown }, unknown ? differingFields('CHK01', unknown.record, b!) : []) };
}

/** An UNKNOWN transfer of the snapshot the bank does not list: an `S` break of no file record, resolved FAILED. */
export function judgeUnlistedUnknown(day: DayOf, unknown: SnapshotUnknown): Judged {
  const { record } = unknown;
  return {
    found: {
      ...day,
      stage: 'DETAIL',
      file: 'CHK01',
      reason: 'S',
      matchKey: matchKeyOf('CHK01', record),
      initiator: record.initiator,
      serialNo: serialOf(record),
      fundAccountNo: record.fundAccountNo,
      currency: record.currency,
      differingFields: [],
      broker: breakSide('CHK01', record),
      bank: null,
      inFiles: false,
      description: `CHK01: transfer ${unknown.transferId} was UNKNOWN at the day's end and the bank does not list it`,
    },
    proposal: proposeForTransfer({ reason: 'S', unknown }),
  };
}
