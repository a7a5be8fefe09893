import type { AccountFunctionCode, Initiator } from '@custody/bank-protocol';
import type { RelationshipAccountStatus } from '@custody/contracts';
import type { JournalRow, StateAfter } from './account-function.repository';

/** One change of a relationship (api.md "Custody relationships": `{ at, status, function, initiator, serialNo }`, and who asked). */
export interface HistoryEntry {
  readonly at: string;
  /** The custody state the function left. */
  readonly status: StateAfter;
  /** The account status it left (an 11011 sets it); absent on an 11011 older than the journal's statuses. */
  readonly accountStatus?: RelationshipAccountStatus;
  readonly function: AccountFunctionCode;
  readonly initiator: Initiator;
  /** The initiator's serial: what the day files match the function by. */
  readonly serialNo: string;
  /** The other side's serial, when its reply named one. */
  readonly counterpartSerialNo?: string;
  /** A principal of ours (subject@issuer) for the broker's functions, `bank:{bankCode}` for the bank's; absent where never kept. */
  readonly by?: string;
  /** The bank day the function counts for (its CHK02/CHK03 date). */
  readonly businessDate: string;
}

/** A request of the broker's the bank refused (or that never reached it): it changed nothing, and no day file lists it. */
export interface FailedRequest extends Omit<HistoryEntry, 'status' | 'accountStatus'> {
  readonly bankCode: string;
  readonly currency: string;
  readonly failure: { readonly code: string; readonly bankReturnCode?: string; readonly message?: string };
}

export interface FundAccountJournal {
  /** Each relationship's changes, oldest first, by relationship id. */
  readonly histories: ReadonlyMap<string, readonly HistoryEntry[]>;
  /** Oldest first. */
  readonly failedRequests: readonly FailedRequest[];
}

/**
 * Who asked for a function (issue 10: "who, when, which serial, from which side"): the principal the broker's request
 * came from, or the bank that started it — the bank alone knows who stood at its counter.
 */
export function requesterOf(row: Pick<JournalRow, 'initiator' | 'bankCode' | 'requestedBy'>): string | undefined {
  return row.initiator === 'B' ? `bank:${row.bankCode}` : (row.requestedBy ?? undefined);
}

function serialsOf(row: JournalRow): { serialNo: string; counterpartSerialNo?: string } {
  const [own, counterpart] = row.initiator === 'S' ? [row.brokerSerialNo, row.bankSerialNo] : [row.bankSerialNo, row.brokerSerialNo];
  // The journal's CHECK holds every row to its initiator's serial.
  if (own === null) throw new Error(`journal row of relationship ${row.relationshipId} (${row.functionCode}) has no ${row.initiator} serial`);
  return counterpart ? { serialNo: own, counterpartSerialNo: counterpart } : { serialNo: own };
}

function entryOf(row: JournalRow): Omit<HistoryEntry, 'status' | 'accountStatus'> {
  const by = requesterOf(row);
  return { at: row.occurredAt.toISOString(), function: row.functionCode, initiator: row.initiator, ...serialsOf(row), ...(by ? { by } : {}), businessDate: row.businessDate };
}

/** A fund account's journal, in the order it was recorded, as its relationships' histories and its failed requests. */
export function fundAccountJournal(rows: readonly JournalRow[]): FundAccountJournal {
  const histories = new Map<string, HistoryEntry[]>();
  const failedRequests: FailedRequest[] = [];
  for (const row of rows) {
    if (row.outcome === 'FAILED') {
      if (!row.failure) throw new Error(`failed journal row of relationship ${row.relationshipId} has no failure`);
      const { code, bankReturnCode, message } = row.failure;
      failedRequests.push({
        ...entryOf(row),
        bankCode: row.bankCode,
        currency: row.currency,
        failure: { code, ...(bankReturnCode ? { bankReturnCode } : {}), ...(message ? { message } : {}) },
      });
      continue;
    }
    if (!row.statusAfter) throw new Error(`journal row of relationship ${row.relationshipId} (${row.functionCode}) succeeded without a state`);
    const entry: HistoryEntry = { ...entryOf(row), status: row.statusAfter, ...(row.accountStatusAfter ? { accountStatus: row.accountStatusAfter } : {}) };
    histories.set(row.relationshipId, [...(histories.get(row.relationshipId) ?? []), entry]);
  }
  return { histories, failedRequests };
}
