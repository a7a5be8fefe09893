import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Money } from '@custody/money';
import { DomainError } from '@custody/service-kit';
import type { DayPhase } from '@custody/contracts';
import { type BankDayState, TRANSFER_SERIALS } from '../day/bank-day.projection';
import type { HoldKind } from '../holds/hold.entity';
import { LedgerAccount } from './ledger-account.entity';
import { assertBalanced, canTake, customerAccount, type LedgerFigures, type PostingLine, type PostingSourceKind, summaryAccount } from './ledger-rules';

/**
 * What a posting belongs to. `businessDate` is the business date of what the posting records — the transfer's
 * for its own movement (an outcome that arrives after the date switched still posts on it), the bank
 * reversal's for a reversal, the adjustment's for an adjustment — never one read off the clock when the
 * posting is written. Statements list the movement on that date.
 */
export interface PostingSource {
  source: PostingSourceKind;
  sourceId: string;
  businessDate: string;
}

/** A hold a posting ends CONSUMED in its own statement: the hold's id and the amount it must have reserved. */
export interface ConsumedHold {
  readonly holdId: string;
  readonly amount: Money;
}

/** A posting's line; one naming a fund ledger writes that ledger's new figures, less `heldConsumed` if it ends a hold. */
export type LedgerPostingLine = PostingLine & { readonly ledger?: LedgerAccount; readonly heldConsumed?: Money };

/** A ledger row as `lock` reads it: the figures as PostgreSQL's own text, so `Money.fromDb` sees exactly what is stored. */
interface LedgerAccountRow {
  fund_account_no: string;
  currency: LedgerAccount['currency'];
  customer_no: string;
  role: LedgerAccount['role'];
  balance: string;
  held: string;
  bank_code: string | null;
  bank_account_no: string | null;
  custody_status: string;
  account_status: LedgerAccount['accountStatus'];
  dormant: boolean;
  closed_for: string | null;
  customer_name: string | null;
  branch_id: string | null;
}

const LEDGER_ACCOUNT_COLUMNS: ReadonlyArray<keyof LedgerAccountRow> = [
  'fund_account_no', 'currency', 'customer_no', 'role', 'balance', 'held', 'bank_code', 'bank_account_no',
  'custody_status', 'account_status', 'dormant', 'closed_for', 'customer_name', 'branch_id',
];

/** The figures as text: `numeric` read as a JavaScript number would lose digits. */
const AS_TEXT: ReadonlySet<keyof LedgerAccountRow> = new Set(['balance', 'held']);

/**
 * The select list of a ledger row (`LedgerAccountRow`) of the table aliased `alias`, each column named with `prefix`: a
 * statement that joins another table (whose columns share these names) reads it apart (`ledgerAccountFrom`).
 */
export function ledgerAccountColumns(alias: string, prefix = ''): string {
  return LEDGER_ACCOUNT_COLUMNS.map((column) => `${alias}.${column}${AS_TEXT.has(column) ? '::text' : ''} AS ${prefix}${column}`).join(', ');
}

/** The ledger row a statement read through `ledgerAccountColumns(alias, prefix)`. */
export function ledgerAccountFrom(row: Record<string, unknown>, prefix = ''): LedgerAccount {
  const own = Object.fromEntries(LEDGER_ACCOUNT_COLUMNS.map((column) => [column, row[`${prefix}${column}`]])) as unknown as LedgerAccountRow;
  return toLedgerAccount(own);
}

/** A ledger row as this repository's own statements read it (aliased `l`). */
const LEDGER_ROW = ledgerAccountColumns('l');

function toLedgerAccount(row: LedgerAccountRow): LedgerAccount {
  return Object.assign(new LedgerAccount(), {
    fundAccountNo: row.fund_account_no,
    currency: row.currency,
    customerNo: row.customer_no,
    role: row.role,
    balance: row.balance,
    held: row.held,
    bankCode: row.bank_code,
    bankAccountNo: row.bank_account_no,
    custodyStatus: row.custody_status,
    accountStatus: row.account_status,
    dormant: row.dormant,
    closedFor: row.closed_for,
    customerName: row.customer_name,
    branchId: row.branch_id,
  });
}

/**
 * Every change to a fund ledger goes through here, inside the caller's transaction and under a row
 * lock on the ledger account, so concurrent transfers on one account serialise and never overdraw.
 * Plain SQL, not TypeORM's query builder: these statements run several times in every transfer, and building
 * them was a large share of the service's CPU (issue 9).
 */
@Injectable()
export class LedgerRepository {
  async lock(manager: EntityManager, fundAccountNo: string, currency: string): Promise<LedgerAccount | null> {
    const rows: LedgerAccountRow[] = await manager.query(
      `SELECT ${LEDGER_ROW} FROM transfer.ledger_accounts l WHERE fund_account_no = $1 AND currency = $2 FOR UPDATE`,
      [fundAccountNo, currency],
    );
    return rows.length > 0 ? toLedgerAccount(rows[0]) : null;
  }

  /**
   * `lock` (null: no such ledger), with a bank's day and the next number of `TRANSFER_SERIALS`, in one statement (issue
   * 9: two before): all a transfer through a bank reads before it decides — a securities-initiated one on the day of the
   * ledger's own bank, a bank-initiated one on the day of the bank that sent it (`bankCode`). A transfer refused after it
   * leaves a gap in the numbers, as a rolled-back one always did. The day is undefined while the bank has none.
   */
  async lockWithBankDay(
    manager: EntityManager,
    fundAccountNo: string,
    currency: string,
    bankCode?: string,
  ): Promise<{ account: LedgerAccount | null; day: BankDayState | undefined; serialNumber: string }> {
    const [row]: Array<Record<string, unknown> & { found: boolean; day_business_date: string | null; day_phase: DayPhase | null; serial_number: string }> = await manager.query(
      `WITH ledger AS (SELECT ${ledgerAccountColumns('l', 'ledger_')} FROM transfer.ledger_accounts l WHERE l.fund_account_no = $1 AND l.currency = $2 FOR UPDATE)
       SELECT ledger.*, ledger.ledger_fund_account_no IS NOT NULL AS found,
              d.business_date::text AS day_business_date, d.phase AS day_phase, nextval($4)::text AS serial_number
         FROM (SELECT 1) AS one
         LEFT JOIN ledger ON true
         LEFT JOIN transfer.bank_days d ON d.bank_code = coalesce($3, ledger.ledger_bank_code)`,
      [fundAccountNo, currency, bankCode ?? null, TRANSFER_SERIALS],
    );
    const day = row.day_business_date && row.day_phase ? { businessDate: row.day_business_date, phase: row.day_phase } : undefined;
    return { account: row.found ? ledgerAccountFrom(row, 'ledger_') : null, day, serialNumber: row.serial_number };
  }

  /**
   * Every ledger (each currency) of these fund accounts, locked in (fund account, currency) order: the order internal
   * transfers lock two ledgers in, so neither waits for the other in a cycle.
   */
  async lockFundAccounts(manager: EntityManager, fundAccountNos: readonly string[]): Promise<LedgerAccount[]> {
    const rows: LedgerAccountRow[] = await manager.query(
      `SELECT ${LEDGER_ROW} FROM transfer.ledger_accounts l WHERE fund_account_no = ANY($1) ORDER BY fund_account_no, currency FOR UPDATE`,
      [fundAccountNos],
    );
    return rows.map(toLedgerAccount);
  }

  /** The fund account's active trading holds, every currency: the cash reserved for its orders not yet settled. */
  async activeTradingHolds(manager: EntityManager, fundAccountNo: string): Promise<number> {
    const [{ holds }]: Array<{ holds: number }> = await manager.query(
      `SELECT count(*)::int AS holds FROM transfer.holds WHERE fund_account_no = $1 AND kind = 'TRADING' AND status = 'ACTIVE'`,
      [fundAccountNo],
    );
    return holds;
  }

  /** What the trading systems hold on one ledger for orders not yet settled (its active trading holds' sum). */
  async tradingHeld(manager: EntityManager, fundAccountNo: string, currency: string): Promise<Money> {
    const [{ held }]: Array<{ held: string }> = await manager.query(
      `SELECT coalesce(sum(amount), 0)::text AS held FROM transfer.holds WHERE fund_account_no = $1 AND currency = $2 AND kind = 'TRADING' AND status = 'ACTIVE'`,
      [fundAccountNo, currency],
    );
    return Money.fromDb(held);
  }

  /** Closes the ledger for a function (F-3.8), or opens it again (null); the caller holds its lock. */
  async setClosedFor(manager: EntityManager, account: LedgerAccount, functionId: string | null): Promise<void> {
    account.closedFor = functionId;
    await manager.query(`UPDATE transfer.ledger_accounts SET closed_for = $3 WHERE fund_account_no = $1 AND currency = $2`, [account.fundAccountNo, account.currency, functionId]);
  }

  /**
   * F-3.8 (either side's 11004): the relationship is cancelled at the bank; the ledger is no longer closed for a
   * function, and every transfer on it is refused from now on (they admit only a DESIGNATED ledger). It keeps its last
   * bank and bank account as the record of what it was linked to, for its history and statements. The caller holds its
   * lock.
   */
  async cancel(manager: EntityManager, account: LedgerAccount): Promise<void> {
    account.custodyStatus = 'CANCELLED';
    account.closedFor = null;
    await manager.query(`UPDATE transfer.ledger_accounts SET custody_status = 'CANCELLED', closed_for = NULL WHERE fund_account_no = $1 AND currency = $2`, [
      account.fundAccountNo,
      account.currency,
    ]);
  }

  /**
   * F-3.6: the ledger's relationship moved to another bank (or, the new bank having refused, opened again at the old
   * one): it takes the bank, bank account and custody state of the relationship opened, starts NORMAL, and is no longer
   * closed for the function. The caller holds its lock.
   */
  async relink(manager: EntityManager, account: LedgerAccount, link: { bankCode: string; bankAccountNo: string | null; custodyStatus: 'DESIGNATED' | 'PRE_DESIGNATED' }): Promise<void> {
    Object.assign(account, { ...link, accountStatus: 'NORMAL', closedFor: null });
    await manager.query(
      `UPDATE transfer.ledger_accounts SET bank_code = $3, bank_account_no = $4, custody_status = $5, account_status = 'NORMAL', closed_for = NULL
        WHERE fund_account_no = $1 AND currency = $2`,
      [account.fundAccountNo, account.currency, link.bankCode, link.bankAccountNo, link.custodyStatus],
    );
  }

  /**
   * F-3.6: the balance left one bank's summary account for another's with the relationship (the old bank's 11004 took
   * it out, the new bank's 11001 put it in). No fund ledger moves: the customer's money is where it was, held for the
   * broker by another bank. Per bank, Σ its fund ledgers + SUMMARY stays zero (internal-transfer-rules.ts).
   */
  async moveBetweenBanks(manager: EntityManager, currency: string, move: { from: string; to: string; amount: Money }, source: PostingSource): Promise<void> {
    await this.post(manager, currency, [
      { account: summaryAccount(move.from), fundAccountNo: null, amount: move.amount },
      { account: summaryAccount(move.to), fundAccountNo: null, amount: move.amount.negated() },
    ], source);
  }

  /** The fund account's role (domain.md §13) on every currency's ledger of it; the caller holds their locks. */
  async setRole(manager: EntityManager, fundAccountNo: string, role: LedgerAccount['role']): Promise<void> {
    await manager.query(`UPDATE transfer.ledger_accounts SET role = $2 WHERE fund_account_no = $1`, [fundAccountNo, role]);
  }

  /** Whether the fund account has a ledger in any currency: a request in another currency is then 3011, not 2011. */
  async hasAnyLedger(manager: EntityManager, fundAccountNo: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(`SELECT 1 FROM transfer.ledger_accounts WHERE fund_account_no = $1 LIMIT 1`, [fundAccountNo]);
    return rows.length > 0;
  }

  /** The bank a fund ledger is with, read without a lock (admission counts per bank before any work is done). */
  async bankOf(manager: EntityManager, fundAccountNo: string, currency: string): Promise<string | null> {
    const rows: Array<{ bank_code: string | null }> = await manager.query('SELECT bank_code FROM transfer.ledger_accounts WHERE fund_account_no = $1 AND currency = $2', [fundAccountNo, currency]);
    return rows[0]?.bank_code ?? null;
  }

  figures(account: LedgerAccount): LedgerFigures {
    return { balance: Money.fromDb(account.balance), held: Money.fromDb(account.held) };
  }

  async placeHold(manager: EntityManager, account: LedgerAccount, amount: Money, kind: HoldKind, reason: string): Promise<string> {
    if (!canTake(this.figures(account), amount)) {
      throw new DomainError('INSUFFICIENT_WITHDRAWABLE', `fund account ${account.fundAccountNo} has ${this.figures(account).balance.minus(this.figures(account).held).toString()} ${account.currency} withdrawable, ${amount.toString()} asked`);
    }
    const holdId = randomUUID();
    const held = this.figures(account).held.plus(amount);
    // The hold and the ledger's new held figure in one statement (issue 9: two before); the caller locked the row.
    await manager.query(
      `WITH hold AS (
         INSERT INTO transfer.holds (hold_id, fund_account_no, currency, amount, kind, reason, status) VALUES ($1, $2, $3, $4, $5, $6, 'ACTIVE'))
       UPDATE transfer.ledger_accounts SET held = $7 WHERE fund_account_no = $2 AND currency = $3`,
      [holdId, account.fundAccountNo, account.currency, amount.toString(), kind, reason, held.toString()],
    );
    account.held = held.toString();
    return holdId;
  }

  /** Ends a hold RELEASED: the money is available again. A hold CONSUMED ends with its debit, in moveWithBankConsumingHold. */
  async endHold(manager: EntityManager, account: LedgerAccount, holdId: string, status: 'RELEASED'): Promise<Money> {
    const amount = await this.endHoldRow(manager, holdId, status);
    await this.setFigures(manager, account, { ...this.figures(account), held: this.figures(account).held.minus(amount) });
    return amount;
  }

  /**
   * Money out that a hold reserved (F-4.2 S succeeded): the hold ends CONSUMED and the posting moveWithBank would
   * write debits `amount`, the ledger row written once for both (issue 9: endHold then moveWithBank wrote it twice).
   */
  async moveWithBankConsumingHold(manager: EntityManager, account: LedgerAccount, bankCode: string, holdId: string, amount: Money, source: PostingSource): Promise<void> {
    // The hold reserved the transfer's amount (placeHold): the posting ends it in its own statement (issue 9: a
    // statement before it did), and fails — rolling the whole transaction back — if it did not end exactly that.
    await this.post(
      manager,
      account.currency,
      [
        { account: customerAccount(account.fundAccountNo), fundAccountNo: account.fundAccountNo, amount: amount.negated(), ledger: account, heldConsumed: amount },
        { account: summaryAccount(bankCode), fundAccountNo: null, amount },
      ],
      source,
      { holdId, amount },
    );
  }

  /** The hold's own row, ended; its amount. The ledger's figures are the caller's to write. */
  private async endHoldRow(manager: EntityManager, holdId: string, status: 'RELEASED' | 'CONSUMED'): Promise<Money> {
    // One statement: the UPDATE takes the hold's row lock and ends only an ACTIVE hold (issue 9: it was a locking read and a write).
    const [rows] = (await manager.query(`UPDATE transfer.holds SET status = $2 WHERE hold_id = $1 AND status = 'ACTIVE' RETURNING amount::text`, [holdId, status])) as [Array<{ amount: string }>, number];
    if (rows.length === 0) throw new DomainError('HOLD_NOT_ACTIVE', `hold ${holdId} is not active`);
    return Money.fromDb(rows[0].amount);
  }

  /**
   * Moves money between a customer's fund ledger and the bank's summary account: positive = money in
   * (bank → securities), negative = money out.
   */
  async moveWithBank(manager: EntityManager, account: LedgerAccount, bankCode: string, amount: Money, source: PostingSource): Promise<void> {
    await this.post(manager, account.currency, [
      { account: customerAccount(account.fundAccountNo), fundAccountNo: account.fundAccountNo, amount, ledger: account },
      { account: summaryAccount(bankCode), fundAccountNo: null, amount: amount.negated() },
    ], source);
  }

  /**
   * One balanced journal posting (I5): its lines, and the new balance of every fund ledger it names. The
   * caller holds the row locks of those ledgers (lock()), in a fixed order when there are several.
   */
  async post(manager: EntityManager, currency: string, lines: ReadonlyArray<LedgerPostingLine>, source: PostingSource, consumes?: ConsumedHold): Promise<void> {
    assertBalanced([...lines]);
    // The new figures of each fund ledger the posting names, every line of it counted (one ledger may have several).
    const ledgers: LedgerAccount[] = [];
    for (const { ledger, amount, heldConsumed } of lines) {
      if (!ledger) continue;
      const { balance, held } = this.figures(ledger);
      ledger.balance = balance.plus(amount).toString();
      ledger.held = (heldConsumed ? held.minus(heldConsumed) : held).toString();
      if (!ledgers.includes(ledger)) ledgers.push(ledger);
    }
    // One statement (issue 9: one per ledger and one for the lines before): each ledger's figures in a WITH, every
    // line in one INSERT. The caller's lock() holds the ledgers' row locks before any line draws its line_id, so one
    // fund ledger's lines get their ids in commit order; a paged statement relies on it (statement.repository.ts). The
    // shared values are $1–$5, each line adds its own three, then each ledger its four. A multi-row VALUES draws the
    // line ids in the order of its rows.
    const shared = [randomUUID(), currency, source.source, source.sourceId, source.businessDate];
    const rows = lines.map((_, i) => `($1, $${6 + 3 * i}, $${7 + 3 * i}, $2, $${8 + 3 * i}, $3, $4, $5)`);
    const first = 6 + 3 * lines.length;
    // A hold the posting consumes ends in the same statement (its last parameter), and the figures are written only if
    // it did: a hold no longer active must come back as HOLD_NOT_ACTIVE, not as a figure's check failing. What it ended
    // comes back with each line.
    const holdParameter = first + 4 * ledgers.length;
    const ended = consumes ? [`ended AS (UPDATE transfer.holds SET status = 'CONSUMED' WHERE hold_id = $${holdParameter} AND status = 'ACTIVE' RETURNING amount)`] : [];
    const onlyIfEnded = consumes ? ' AND EXISTS (SELECT 1 FROM ended)' : '';
    const figures = ledgers.map(
      (_, i) =>
        `figures_${i} AS (UPDATE transfer.ledger_accounts SET balance = $${first + 4 * i + 2}, held = $${first + 4 * i + 3} WHERE fund_account_no = $${first + 4 * i} AND currency = $${first + 4 * i + 1}${onlyIfEnded})`,
    );
    const ctes = [...ended, ...figures];
    const result = (await manager.query(
      `${ctes.length > 0 ? `WITH ${ctes.join(', ')} ` : ''}INSERT INTO transfer.journal_lines (posting_id, account, fund_account_no, currency, amount, source, source_id, business_date) VALUES ${rows.join(', ')}${consumes ? ' RETURNING (SELECT amount::text FROM ended) AS consumed' : ''}`,
      [
        ...shared,
        ...lines.flatMap((line) => [line.account, line.fundAccountNo, line.amount.toString()]),
        ...ledgers.flatMap((ledger) => [ledger.fundAccountNo, ledger.currency, ledger.balance, ledger.held]),
        ...(consumes ? [consumes.holdId] : []),
      ],
    )) as Array<{ consumed: string | null }>;
    if (!consumes) return;
    const consumed = result[0]?.consumed;
    // Thrown after the statement wrote: the caller's transaction rolls back, the posting and the figures with it.
    if (consumed === null || consumed === undefined) throw new DomainError('HOLD_NOT_ACTIVE', `hold ${consumes.holdId} is not active`);
    if (!Money.fromDb(consumed).equals(consumes.amount)) {
      throw new Error(`hold ${consumes.holdId} reserved ${consumed}, not the ${consumes.amount.toString()} its posting consumes`);
    }
  }

  private async setFigures(manager: EntityManager, account: LedgerAccount, figures: LedgerFigures): Promise<void> {
    account.balance = figures.balance.toString();
    account.held = figures.held.toString();
    await manager.query(`UPDATE transfer.ledger_accounts SET balance = $3, held = $4 WHERE fund_account_no = $1 AND currency = $2`, [
      account.fundAccountNo,
      account.currency,
      account.balance,
      account.held,
    ]);
  }
}
