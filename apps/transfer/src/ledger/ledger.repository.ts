import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Money } from '@custody/money';
import { DomainError } from '@custody/service-kit';
import { Hold, type HoldKind } from '../holds/hold.entity';
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

/**
 * Every change to a fund ledger goes through here, inside the caller's transaction and under a row
 * lock on the ledger account, so concurrent transfers on one account serialise and never overdraw.
 */
@Injectable()
export class LedgerRepository {
  async lock(manager: EntityManager, fundAccountNo: string, currency: string): Promise<LedgerAccount | null> {
    return manager.findOne(LedgerAccount, { where: { fundAccountNo, currency: currency as LedgerAccount['currency'] }, lock: { mode: 'pessimistic_write' } });
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
    await manager.insert(Hold, { holdId, fundAccountNo: account.fundAccountNo, currency: account.currency, amount: amount.toString(), kind, reason, status: 'ACTIVE' });
    await this.setFigures(manager, account, { ...this.figures(account), held: this.figures(account).held.plus(amount) });
    return holdId;
  }

  /** Ends a hold: RELEASED gives the money back to available; CONSUMED is followed by the debit it reserved. */
  async endHold(manager: EntityManager, account: LedgerAccount, holdId: string, status: 'RELEASED' | 'CONSUMED'): Promise<Money> {
    // One statement: the UPDATE takes the hold's row lock and ends only an ACTIVE hold (issue 9: it was a locking read and a write).
    const [rows] = (await manager.query(`UPDATE transfer.holds SET status = $2 WHERE hold_id = $1 AND status = 'ACTIVE' RETURNING amount::text`, [holdId, status])) as [Array<{ amount: string }>, number];
    if (rows.length === 0) throw new DomainError('HOLD_NOT_ACTIVE', `hold ${holdId} is not active`);
    const amount = Money.fromDb(rows[0].amount);
    await this.setFigures(manager, account, { ...this.figures(account), held: this.figures(account).held.minus(amount) });
    return amount;
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
  async post(manager: EntityManager, currency: string, lines: ReadonlyArray<PostingLine & { readonly ledger?: LedgerAccount }>, source: PostingSource): Promise<void> {
    assertBalanced([...lines]);
    // The ledger rows first: their row locks (lock() took them already; the UPDATE takes them regardless) are
    // held before any line draws its line_id, so one fund ledger's lines get their ids in commit order. A paged
    // statement relies on it to read the books as of one line (statement.repository.ts).
    for (const { ledger, amount } of lines) {
      if (ledger) await this.setFigures(manager, ledger, { ...this.figures(ledger), balance: this.figures(ledger).balance.plus(amount) });
    }
    const postingId = randomUUID();
    for (const line of lines) {
      await manager.query(
        `INSERT INTO transfer.journal_lines (posting_id, account, fund_account_no, currency, amount, source, source_id, business_date)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [postingId, line.account, line.fundAccountNo, currency, line.amount.toString(), source.source, source.sourceId, source.businessDate],
      );
    }
  }

  private async setFigures(manager: EntityManager, account: LedgerAccount, figures: LedgerFigures): Promise<void> {
    account.balance = figures.balance.toString();
    account.held = figures.held.toString();
    await manager.update(
      LedgerAccount,
      { fundAccountNo: account.fundAccountNo, currency: account.currency },
      { balance: account.balance, held: account.held },
    );
  }
}
