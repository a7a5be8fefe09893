import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CustodyFunctionResolution, RelationshipOpenedByBankChange } from '@custody/contracts';
import type { Money } from '@custody/money';
import { CUSTODY_CONFIG, type CustodyConfig, findBank } from '@custody/service-kit';
import { LedgerRepository } from '../ledger/ledger.repository';
import { SettlementInstructions } from '../settlement/settlement-instructions';
import { LedgerClosingRepository } from './ledger-closing.repository';

/**
 * F-3.6 on the ledger: the saga closed it for the change (`ledger.closing-requested`, purpose BANK_CHANGE) with its
 * balance, the old bank closed the custody account with that balance (11004), and a relationship opened for it — at
 * the new bank (11001: the change took effect) or at the old bank again (11002: the new bank refused, the saga's
 * compensation). The ledger takes that relationship and opens; if the money changed banks, the two summary accounts
 * move in the journal and the day's settlement gets its instruction, in the same transaction. Only a ledger closed for
 * this change moves; a redelivered verdict finds the closing ENDED and changes nothing.
 */
@Injectable()
export class BankChangeLedger {
  private readonly logger = new Logger(BankChangeLedger.name);

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly closings: LedgerClosingRepository,
    private readonly instructions: SettlementInstructions,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
  ) {}

  async applied(manager: EntityManager, verdict: CustodyFunctionResolution): Promise<void> {
    const change = verdict.bankChange;
    if (!change) return; // Nothing was done at any bank: the saga reopened the ledger before its verdict.
    const { functionId, fundAccountNo, currency } = verdict;
    const account = await this.ledger.lock(manager, fundAccountNo, currency);
    const closing = await this.closings.lock(manager, functionId);
    if (closing?.status === 'ENDED') return;
    if (!account || closing?.status !== 'CLOSED' || account.closedFor !== functionId) {
      throw new Error(`bank change ${functionId} closed the custody account at bank ${verdict.bankCode}, but ledger ${fundAccountNo}/${currency} was not closed for it`);
    }
    const { opened } = change;
    if (!opened) {
      // The old bank closed the custody account and no bank took the money: the ledger stays closed (no transfer can
      // name a bank) until an operator has the relationship opened (domain.md §3); nothing is guessed here.
      this.logger.error({ functionId, fundAccountNo, currency, oldBankCode: verdict.bankCode, balance: change.balanceLeaving.toString() }, 'bank change left the fund account without a custodian bank: the ledger stays closed for an operator');
      return;
    }
    const balance = this.ledger.figures(account).balance;
    // The ledger was closed from before the 11004 until now: nothing can have moved it.
    if (!balance.equals(change.balanceLeaving)) throw new Error(`ledger ${fundAccountNo}/${currency} holds ${balance.toString()}, but ${change.balanceLeaving.toString()} left bank ${verdict.bankCode} for its change ${functionId}`);
    await this.ledger.relink(manager, account, { bankCode: opened.bankCode, bankAccountNo: opened.bankAccountNo ?? null, custodyStatus: opened.mode === 'DESIGNATE' ? 'DESIGNATED' : 'PRE_DESIGNATED' });
    await this.closings.setStatus(manager, functionId, 'ENDED');
    if (opened.bankCode !== verdict.bankCode && !balance.isZero()) await this.moveBalance(manager, verdict, opened, balance);
    this.logger.log({ functionId, fundAccountNo, currency, from: verdict.bankCode, to: opened.bankCode, custodyStatus: account.custodyStatus, balance: balance.toString() }, 'ledger moved with its relationship (F-3.6)');
  }

  /** The balance leaves the old bank's summary account for the new one's, on the bank day the new bank took it. */
  private async moveBalance(manager: EntityManager, verdict: CustodyFunctionResolution, opened: RelationshipOpenedByBankChange, amount: Money): Promise<void> {
    const from = findBank(this.config, verdict.bankCode);
    const to = findBank(this.config, opened.bankCode);
    if (!from || !to) throw new Error(`bank change ${verdict.functionId} names bank ${from ? opened.bankCode : verdict.bankCode}, which is not configured`);
    await this.ledger.moveBetweenBanks(manager, verdict.currency, { from: from.code, to: to.code, amount }, { source: 'BANK_CHANGE', sourceId: verdict.functionId, businessDate: opened.businessDate });
    await this.instructions.record(manager, { functionId: verdict.functionId, businessDate: opened.businessDate, currency: verdict.currency, amount, from, to });
  }
}
