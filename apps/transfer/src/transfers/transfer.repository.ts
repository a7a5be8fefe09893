import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerAccount } from '../ledger/ledger-account.entity';
import { ledgerAccountColumns, ledgerAccountFrom } from '../ledger/ledger.repository';
import { REVERSAL_TOUCHING, type ReversalTouching } from '../inbound/bank-reversal.repository';
import { Transfer } from './transfer.entity';

/**
 * What a transfer through a bank is written with: a securities-initiated one PENDING, a bank-initiated one as decided
 * (its bank serial, and a refusal's failure); every other column starts at its default.
 */
export type NewTransfer = Pick<
  Transfer,
  'transferId' | 'type' | 'initiator' | 'serialNo' | 'ourSerialNo' | 'bankCode' | 'bankAccountNo' | 'fundAccountNo' | 'currency' | 'amount' | 'status' | 'holdId' | 'businessDate'
> &
  Partial<Pick<Transfer, 'bankSerialNo' | 'failureCode' | 'bankReturnCode' | 'failureMessage'>>;

/**
 * A transfer's row as read here, typed as TypeORM hydrates the entity: the amount as PostgreSQL's own text (so
 * `Money.fromDb` sees exactly what is stored), the business date as 'YYYY-MM-DD', timestamps as Dates.
 */
const TRANSFER_COLUMN_NAMES = [
  'transfer_id', 'type', 'initiator', 'serial_no', 'our_serial_no', 'bank_serial_no', 'bank_code', 'bank_account_no', 'fund_account_no',
  'counterpart_fund_account_no', 'currency', 'amount', 'status', 'failure_code', 'bank_return_code', 'failure_message', 'hold_id', 'attempts',
  'attempts_dropped', 'business_date', 'unknown_since', 'resolved_by_adjustment', 'created_at', 'updated_at',
] as const;

/** Read as text: the amount exactly as stored, the date as its 'YYYY-MM-DD'. */
const AS_TEXT: ReadonlySet<string> = new Set(['amount', 'business_date']);

/** The select list of `TransferRow`, of the table aliased `alias` when a statement joins another (whose columns share names). */
function transferColumns(alias?: string): string {
  return TRANSFER_COLUMN_NAMES.map((column) => {
    const qualified = alias ? `${alias}.${column}` : column;
    return AS_TEXT.has(column) ? `${qualified}::text AS ${column}` : alias ? `${qualified} AS ${column}` : column;
  }).join(', ');
}

const TRANSFER_COLUMNS = transferColumns();

interface TransferRow {
  transfer_id: string;
  type: Transfer['type'];
  initiator: Transfer['initiator'];
  serial_no: string;
  our_serial_no: string;
  bank_serial_no: string | null;
  bank_code: string;
  bank_account_no: string | null;
  fund_account_no: string;
  counterpart_fund_account_no: string | null;
  currency: string;
  amount: string;
  status: Transfer['status'];
  failure_code: Transfer['failureCode'];
  bank_return_code: string | null;
  failure_message: string | null;
  hold_id: string | null;
  attempts: string[];
  attempts_dropped: number;
  business_date: string;
  unknown_since: Date | null;
  resolved_by_adjustment: string | null;
  created_at: Date;
  updated_at: Date;
}

function toTransfer(row: TransferRow): Transfer {
  return Object.assign(new Transfer(), {
    transferId: row.transfer_id,
    type: row.type,
    initiator: row.initiator,
    serialNo: row.serial_no,
    ourSerialNo: row.our_serial_no,
    bankSerialNo: row.bank_serial_no,
    bankCode: row.bank_code,
    bankAccountNo: row.bank_account_no,
    fundAccountNo: row.fund_account_no,
    counterpartFundAccountNo: row.counterpart_fund_account_no,
    currency: row.currency,
    amount: row.amount,
    status: row.status,
    failureCode: row.failure_code,
    bankReturnCode: row.bank_return_code,
    failureMessage: row.failure_message,
    holdId: row.hold_id,
    attempts: row.attempts,
    attemptsDropped: row.attempts_dropped,
    businessDate: row.business_date,
    unknownSince: row.unknown_since,
    resolvedByAdjustment: row.resolved_by_adjustment,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

const LOCK_WITH_LEDGER = `SELECT ${transferColumns('t')}, ${ledgerAccountColumns('l', 'ledger_')}
  FROM transfer.transfers t JOIN transfer.ledger_accounts l ON l.fund_account_no = t.fund_account_no AND l.currency = t.currency
 WHERE t.transfer_id = $1
   FOR UPDATE OF t, l`;

const BANK_SERIAL_USE = `SELECT ${transferColumns('t')}, t.transfer_id IS NOT NULL AS found, r.own AS reversal_own, r.return_code AS reversal_return_code
  FROM (SELECT 1) AS one
  LEFT JOIN transfer.transfers t ON t.initiator = 'B' AND t.bank_code = $1 AND t.serial_no = $2
  LEFT JOIN LATERAL (${REVERSAL_TOUCHING}) r ON true`;

/**
 * The statements every transfer through a bank runs: a securities-initiated one written, read under lock when its
 * verdict comes, settled, and read by each caller waiting on it; a bank-initiated one found by the bank's serial and
 * written as decided. Plain SQL, not TypeORM's query builder, whose building of them was a large
 * share of the service's CPU (issue 9).
 */
@Injectable()
export class TransferRepository {
  /**
   * The ledger's own transfers still PENDING or UNKNOWN (index transfers_open_by_account; F-3.8: none may be in flight
   * when it closes). The caller holds the ledger's row lock, under which every transfer of it starts, so none can
   * begin unseen.
   */
  async countInFlight(manager: EntityManager, fundAccountNo: string, currency: string): Promise<number> {
    const [{ n }]: Array<{ n: number }> = await manager.query(
      `SELECT count(*)::int AS n FROM transfer.transfers WHERE fund_account_no = $1 AND currency = $2 AND status IN ('PENDING', 'UNKNOWN')`,
      [fundAccountNo, currency],
    );
    return n;
  }

  /**
   * Per bank, its transfers UNKNOWN now and since when the oldest of them is (for the metrics, read when scraped).
   * Through the partial index transfers_open (PENDING and UNKNOWN rows only): it reads the UNKNOWN rows and no others.
   */
  async unknownByBank(manager: EntityManager): Promise<Array<{ bankCode: string; count: number; oldestSince: Date }>> {
    const rows: Array<{ bank_code: string; count: number; oldest_since: Date }> = await manager.query(
      `SELECT bank_code, count(*)::int AS count, min(unknown_since) AS oldest_since FROM transfer.transfers WHERE status = 'UNKNOWN' GROUP BY bank_code`,
    );
    return rows.map((row) => ({ bankCode: row.bank_code, count: row.count, oldestSince: row.oldest_since }));
  }

  /** Writes the transfer and answers it as written, its server-set columns included (what a caller waiting on it is shown). */
  async insert(manager: EntityManager, t: NewTransfer): Promise<Transfer> {
    const rows: TransferRow[] = await manager.query(
      `INSERT INTO transfer.transfers (transfer_id, type, initiator, serial_no, our_serial_no, bank_code, bank_account_no, fund_account_no, currency, amount, status,
                                       hold_id, business_date, bank_serial_no, failure_code, bank_return_code, failure_message)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       RETURNING ${TRANSFER_COLUMNS}`,
      [
        t.transferId, t.type, t.initiator, t.serialNo, t.ourSerialNo, t.bankCode, t.bankAccountNo, t.fundAccountNo, t.currency, t.amount, t.status,
        t.holdId, t.businessDate, t.bankSerialNo ?? null, t.failureCode ?? null, t.bankReturnCode ?? null, t.failureMessage ?? null,
      ],
    );
    return toTransfer(rows[0]);
  }

  /** The transfer its initiator numbered `serialNo` at the bank (S: our serial, B: the bank's), if any. */
  async findBySerial(manager: EntityManager, initiator: Transfer['initiator'], bankCode: string, serialNo: string): Promise<Transfer | null> {
    const rows: TransferRow[] = await manager.query(`SELECT ${TRANSFER_COLUMNS} FROM transfer.transfers WHERE initiator = $1 AND bank_code = $2 AND serial_no = $3`, [
      initiator,
      bankCode,
      serialNo,
    ]);
    return rows.length > 0 ? toTransfer(rows[0]) : null;
  }

  /**
   * What a bank's serial already names, in one statement (issue 9: two before): the bank-initiated transfer it numbered,
   * and what the reversals know of it (`BankReversalRepository.touching`). The caller holds the serial's lock.
   */
  async bankSerialUse(manager: EntityManager, bankCode: string, serialNo: string): Promise<{ transfer: Transfer | null; reversal: ReversalTouching | undefined }> {
    const [row]: Array<TransferRow & { found: boolean; reversal_own: boolean | null; reversal_return_code: string | null }> = await manager.query(BANK_SERIAL_USE, [bankCode, serialNo]);
    return {
      transfer: row.found ? toTransfer(row) : null,
      reversal: row.reversal_own === null || row.reversal_return_code === null ? undefined : { own: row.reversal_own, returnCode: row.reversal_return_code },
    };
  }

  async find(manager: EntityManager, transferId: string): Promise<Transfer | null> {
    const rows: TransferRow[] = await manager.query(`SELECT ${TRANSFER_COLUMNS} FROM transfer.transfers WHERE transfer_id = $1`, [transferId]);
    return rows.length > 0 ? toTransfer(rows[0]) : null;
  }

  /** `findBySerial` under the transfer's row lock, for the caller's transaction to change it (a bank's reversal of it). */
  async lockBySerial(manager: EntityManager, initiator: Transfer['initiator'], bankCode: string, serialNo: string): Promise<Transfer | null> {
    const rows: TransferRow[] = await manager.query(`SELECT ${TRANSFER_COLUMNS} FROM transfer.transfers WHERE initiator = $1 AND bank_code = $2 AND serial_no = $3 FOR UPDATE`, [
      initiator,
      bankCode,
      serialNo,
    ]);
    return rows.length > 0 ? toTransfer(rows[0]) : null;
  }

  /**
   * The transfer and its fund ledger, each under its row lock, in one statement (issue 9: a statement each before), for
   * the caller's transaction to settle it. `FOR UPDATE OF t, l` takes the locks in that order, the transfer's first —
   * the order of every other path that holds both (a bank's reversal of it, `lockBySerial` then the ledger), so two
   * never wait for each other in a cycle. A ledger is never deleted: no row means no such transfer.
   */
  async lockWithLedger(manager: EntityManager, transferId: string): Promise<{ transfer: Transfer; ledger: LedgerAccount } | null> {
    const rows: Array<TransferRow & Record<string, unknown>> = await manager.query(LOCK_WITH_LEDGER, [transferId]);
    return rows.length > 0 ? { transfer: toTransfer(rows[0]), ledger: ledgerAccountFrom(rows[0], 'ledger_') } : null;
  }

  /**
   * What settling may change, written as it is on `t` (the caller holds its row lock); updated_at is the statement's
   * transaction's time, as TypeORM set it. Answers the row as written, which is what a read after the commit shows.
   */
  async writeSettled(manager: EntityManager, t: Transfer): Promise<Transfer> {
    const [rows] = (await manager.query(
      `UPDATE transfer.transfers
          SET status = $2, failure_code = $3, bank_return_code = $4, failure_message = $5, bank_serial_no = $6, attempts = $7,
              attempts_dropped = $8, unknown_since = $9, resolved_by_adjustment = $10, updated_at = CURRENT_TIMESTAMP
        WHERE transfer_id = $1
        RETURNING ${TRANSFER_COLUMNS}`,
      [t.transferId, t.status, t.failureCode, t.bankReturnCode, t.failureMessage, t.bankSerialNo, t.attempts, t.attemptsDropped, t.unknownSince, t.resolvedByAdjustment],
    )) as [TransferRow[], number];
    return toTransfer(rows[0]!);
  }
}
