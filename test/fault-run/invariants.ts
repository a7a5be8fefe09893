import { Money } from '@custody/money';

/**
 * The invariants of domain.md §2, checked on both sides' books once a fault run has settled. Pure: the
 * run gathers a snapshot (the hub's public API, the simulated banks' books, the ledger's journal) and
 * this decides, so the checks themselves are unit-tested against books that are known to be wrong.
 */

export type HubStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'UNKNOWN' | 'REVERSED';

export interface HubTransfer {
  readonly transferId: string;
  readonly serialNo: string;
  readonly type: string;
  readonly initiator: 'S' | 'B';
  readonly status: HubStatus;
  readonly amount: string;
  readonly fundAccountNo: string;
  readonly bankCode: string;
}

/** One custody relationship of a fund account as the hub shows it (`GET /v1/fund-accounts/{no}`), CNY. */
export interface HubRelationship {
  readonly bankCode: string;
  readonly custodyAccountNo?: string;
  /** `PRE_DESIGNATED`, `DESIGNATED` or `CANCELLED`: every one but the last is open. */
  readonly status: string;
}

export interface HubAccount {
  readonly fundAccountNo: string;
  /** Every relationship the fund account had, the cancelled ones too (F-3.8, and the old bank's after F-3.6). */
  readonly relationships: readonly HubRelationship[];
  readonly balance: string;
  readonly available: string;
  readonly frozen: string;
}

/** What the bank recorded for one serial; `moved` is whether money moved at the bank and stayed moved. */
export interface BankRecord {
  readonly status: string;
  readonly moved: boolean;
}

export interface BankSnapshot {
  readonly bankCode: string;
  /** The summary account's CNY balance. */
  readonly summary: string;
  /** Every CNY custody account the bank has, the closed ones too (status `CANCELLED`, found by no function). */
  readonly custody: ReadonlyArray<{ readonly custodyAccountNo: string; readonly fundAccountNo: string; readonly balance: string; readonly status: string }>;
  /** The bank's record of each transfer serial the hub knows, by serial (absent: the bank never saw it). */
  readonly records: ReadonlyMap<string, BankRecord>;
  /** Bank-initiated transactions the bank has not ended yet (it must query, resend or reverse them). */
  readonly openBankInitiated: readonly string[];
}

export interface JournalFacts {
  /** Postings whose lines do not sum to zero (I5). */
  readonly unbalancedPostings: ReadonlyArray<{ readonly postingId: string; readonly sum: string }>;
  /** Net effect of each transfer on its customer's fund ledger, by transfer id (absent: none). */
  readonly effectByTransfer: ReadonlyMap<string, string>;
}

export interface Snapshot {
  readonly accounts: readonly HubAccount[];
  readonly transfers: readonly HubTransfer[];
  readonly banks: readonly BankSnapshot[];
  readonly journal: JournalFacts;
}

export type InvariantName = 'I2' | 'I3' | 'I4' | 'I5' | 'I6' | 'I7' | 'TERMINAL';

export interface InvariantReport {
  /** How many individual checks of each invariant were made. */
  readonly checks: Record<InvariantName, number>;
  readonly violations: readonly string[];
}

const CREDITS = new Set(['BANK_TO_SECURITIES']);
const DEBITS = new Set(['SECURITIES_TO_BANK']);

/** The movement a transfer in this state must have made on its fund ledger (I5: failed or reversed = none). */
export function expectedEffect(transfer: HubTransfer): Money {
  if (transfer.status !== 'SUCCEEDED') return Money.zero();
  const amount = Money.parse(transfer.amount);
  if (CREDITS.has(transfer.type)) return amount;
  if (DEBITS.has(transfer.type)) return amount.negated();
  throw new Error(`transfer type ${transfer.type} has no expected effect in a fault run`);
}

export function checkInvariants(snapshot: Snapshot): InvariantReport {
  const checks: Record<InvariantName, number> = { I2: 0, I3: 0, I4: 0, I5: 0, I6: 0, I7: 0, TERMINAL: 0 };
  const violations: string[] = [];
  const banks = new Map(snapshot.banks.map((b) => [b.bankCode, b]));

  // I2: one bank per fund account — at most one open relationship at the hub, and no custody account open at any
  // bank but that relationship's (a cancellation or a change of bank that closed only one side would leave two).
  for (const account of snapshot.accounts) {
    checks.I2 += 1;
    const open = account.relationships.filter(isOpen);
    if (open.length > 1) violations.push(`I2 ${account.fundAccountNo}: ${open.length} relationships open at the hub (${open.map((r) => r.bankCode).join(', ')})`);
    for (const bank of snapshot.banks) {
      for (const custody of bank.custody.filter((c) => c.fundAccountNo === account.fundAccountNo && c.status !== 'CANCELLED')) {
        const held = open.some((r) => r.bankCode === bank.bankCode && custodyOf(bank, account.fundAccountNo, r) === custody);
        if (!held) violations.push(`I2 ${account.fundAccountNo}: custody account ${custody.custodyAccountNo} is open at ${bank.bankCode}, the hub has no open relationship to it`);
      }
    }
  }

  // I3: each fund ledger equals the custody account of its relationship at its current bank; a cancelled
  // relationship's custody account is closed at its bank with nothing in it, and a ledger with no open relationship
  // holds nothing.
  for (const account of snapshot.accounts) {
    const ledger = Money.parse(account.balance, 'signed');
    for (const relationship of account.relationships) {
      checks.I3 += 1;
      const bank = banks.get(relationship.bankCode);
      const custody = bank ? custodyOf(bank, account.fundAccountNo, relationship) : undefined;
      if (!custody) {
        violations.push(`I3 ${account.fundAccountNo}: bank ${relationship.bankCode} has no custody account ${relationship.custodyAccountNo ?? 'open'} for it`);
      } else if (!isOpen(relationship)) {
        if (custody.status !== 'CANCELLED') violations.push(`I3 ${account.fundAccountNo}: relationship CANCELLED, custody account ${custody.custodyAccountNo} still ${custody.status} at ${relationship.bankCode}`);
        else if (!Money.parse(custody.balance, 'signed').isZero()) violations.push(`I3 ${account.fundAccountNo}: closed custody account ${custody.custodyAccountNo} at ${relationship.bankCode} still holds ${custody.balance}`);
      } else if (custody.status === 'CANCELLED') {
        violations.push(`I3 ${account.fundAccountNo}: relationship ${relationship.status}, custody account ${custody.custodyAccountNo} closed at ${relationship.bankCode}`);
      } else if (!Money.parse(custody.balance, 'signed').equals(ledger)) {
        violations.push(`I3 ${account.fundAccountNo}: ledger ${account.balance} ≠ custody account ${custody.balance} at ${relationship.bankCode}`);
      }
    }
    if (!account.relationships.some(isOpen)) {
      checks.I3 += 1;
      if (!ledger.isZero()) violations.push(`I3 ${account.fundAccountNo}: no relationship open, yet the ledger holds ${account.balance}`);
    }
  }

  // I4: per bank, Σ custody accounts = summary account.
  for (const bank of snapshot.banks) {
    checks.I4 += 1;
    const total = Money.sum(bank.custody.map((c) => Money.parse(c.balance, 'signed')));
    if (!total.equals(Money.parse(bank.summary, 'signed'))) violations.push(`I4 ${bank.bankCode}: Σ custody ${total.toString()} ≠ summary ${bank.summary}`);
  }

  // I5: every posting balances, and every transfer moved its ledger exactly as its final state says.
  checks.I5 += 1;
  for (const posting of snapshot.journal.unbalancedPostings) violations.push(`I5 posting ${posting.postingId} sums to ${posting.sum}`);
  for (const transfer of snapshot.transfers) {
    checks.I5 += 1;
    const effect = Money.parse(snapshot.journal.effectByTransfer.get(transfer.transferId) ?? '0.00', 'signed');
    if (!effect.equals(expectedEffect(transfer))) {
      violations.push(`I5 transfer ${transfer.transferId} (${transfer.type} ${transfer.status} ${transfer.amount}) moved the ledger by ${effect.toString()}`);
    }
  }

  // I6: no serial took effect twice, and both sides agree on whether it took effect at all.
  const seen = new Set<string>();
  for (const transfer of snapshot.transfers) {
    checks.I6 += 1;
    const key = `${transfer.initiator}|${transfer.bankCode}|${transfer.serialNo}`;
    if (seen.has(key)) violations.push(`I6 serial ${transfer.serialNo} (${transfer.initiator}) is recorded twice at the hub`);
    seen.add(key);
    const record = banks.get(transfer.bankCode)?.records.get(transfer.serialNo);
    const hubMoved = transfer.status === 'SUCCEEDED';
    const bankMoved = record?.moved ?? false;
    if (hubMoved !== bankMoved) {
      violations.push(`I6 serial ${transfer.serialNo}: hub ${transfer.status}, bank ${record ? record.status : 'never saw it'} — one side moved money and the other did not`);
    }
  }

  // I7: nothing withdrawn beyond what was there; nothing left held once every transfer has ended.
  for (const account of snapshot.accounts) {
    checks.I7 += 1;
    if (Money.parse(account.balance, 'signed').isNegative()) violations.push(`I7 ${account.fundAccountNo}: balance ${account.balance} is negative`);
    if (Money.parse(account.available, 'signed').isNegative()) violations.push(`I7 ${account.fundAccountNo}: available ${account.available} is negative`);
    if (!Money.parse(account.frozen, 'signed').isZero()) violations.push(`I7 ${account.fundAccountNo}: ${account.frozen} still held after every transfer ended`);
  }

  // Nothing left undecided on either side.
  for (const transfer of snapshot.transfers) {
    checks.TERMINAL += 1;
    if (transfer.status === 'PENDING' || transfer.status === 'UNKNOWN') violations.push(`TERMINAL transfer ${transfer.transferId} is still ${transfer.status}`);
  }
  for (const bank of snapshot.banks) {
    checks.TERMINAL += 1;
    for (const serial of bank.openBankInitiated) violations.push(`TERMINAL bank ${bank.bankCode} has not ended its own transaction ${serial}`);
  }

  return { checks, violations };
}

function isOpen(relationship: HubRelationship): boolean {
  return relationship.status !== 'CANCELLED';
}

/** The relationship's custody account at its bank: by number, or (a relationship that names none) the fund account's open one. */
function custodyOf(bank: BankSnapshot, fundAccountNo: string, relationship: HubRelationship): BankSnapshot['custody'][number] | undefined {
  return relationship.custodyAccountNo === undefined
    ? bank.custody.find((c) => c.fundAccountNo === fundAccountNo && c.status !== 'CANCELLED')
    : bank.custody.find((c) => c.custodyAccountNo === relationship.custodyAccountNo && c.fundAccountNo === fundAccountNo);
}
