import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { describeReturnCode } from '@custody/bank-protocol';
import {
  bankReplyReadyFor,
  type customerRenamed,
  custodyFunctionApplied,
  type CustodyFunctionResolution,
  designationApplied,
  type designationConfirmed,
  type designationOpenedAtBank,
  type designationResolved,
  type fundAccountOpened,
  openingBalanceGiven,
  type relationshipBankAccountChanged,
  type RelationshipAccountStatus,
  type relationshipStatusChanged,
} from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { BankChangeLedger } from '../closings/bank-change-ledger';
import { LedgerClosingService } from '../closings/ledger-closing.service';
import type { Currency, Money } from '@custody/money';
import { LedgerAccount } from '../ledger/ledger-account.entity';
import { LedgerRepository } from '../ledger/ledger.repository';
import { BankOpeningRepository } from './bank-opening.repository';

/**
 * What the transfer service needs to know of account's data, learned from account's events: which fund
 * accounts exist (a ledger opens at zero), which bank and bank account each is designated to, and what the day
 * files say of it (the customer's name and the fund account's branch).
 */
@Injectable()
export class CustodyProjection {
  private readonly logger = new Logger(CustodyProjection.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly closings: LedgerClosingService,
    private readonly ledger: LedgerRepository,
    private readonly openings: BankOpeningRepository,
    private readonly bankChanges: BankChangeLedger,
  ) {}

  /**
   * The ledger opens at zero. The name and branch are optional in the event (an account service from before they
   * were sent); an event carrying them fills in what a ledger lacks and never changes what it has (a later
   * `customer.renamed` may have set the name since).
   */
  async fundAccountOpened(manager: EntityManager, event: z.infer<typeof fundAccountOpened.schema>): Promise<void> {
    await manager.query(
      `INSERT INTO transfer.ledger_accounts (fund_account_no, currency, customer_no, role, customer_name, branch_id) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (fund_account_no, currency) DO UPDATE
         SET customer_name = coalesce(transfer.ledger_accounts.customer_name, excluded.customer_name),
             branch_id = coalesce(transfer.ledger_accounts.branch_id, excluded.branch_id)`,
      [event.fundAccountNo, event.currency, event.customerNo, event.role, event.customerName ?? null, event.branchId ?? null],
    );
  }

  /** 客户名称 of the day files: the newest name, per fund account (every currency's ledger of it). */
  async customerRenamed(manager: EntityManager, event: z.infer<typeof customerRenamed.schema>): Promise<void> {
    await manager.query(`UPDATE transfer.ledger_accounts SET customer_name = $2 WHERE fund_account_no = $1`, [event.fundAccountNo, event.customerName]);
  }

  /**
   * Links the ledger to the designated bank, then tells account: the relationship shows DESIGNATED only once
   * transfers on it are accepted here. A pre-designated ledger (F-3.1) knows its bank but no bank account, and its
   * transfers are refused (`RELATIONSHIP_NOT_ACTIVE`) until the bank's confirmation (F-3.2).
   */
  async designationResolved(manager: EntityManager, event: z.infer<typeof designationResolved.schema>): Promise<void> {
    if (event.status !== 'FAILED') await this.link(manager, event, event.status);
    await this.outbox.add(manager, designationApplied, event, { key: event.fundAccountNo });
  }

  /**
   * A broker-started account function's verdict: what it means for the ledger is applied here before account hears
   * of it, as a designation's is. A query (F-3.10, F-3.11) and a customer data change (F-3.5, 11005) mean nothing to
   * the ledger; an 11011 S the bank took sets the ledgers' status as an 11011 B does, so a caller told the relationship
   * is frozen finds its transfers refused; a bank account change the bank made (F-3.4, 11006) gives the ledger its new
   * bank account, as an 11006 B does; a cancellation (F-3.8) the bank accepted cancels the ledger the saga closed for it
   * (refused, the saga reopened it before its verdict); a change of custodian bank (F-3.6) moves the ledger to the
   * relationship it opened, at the new bank or restored at the old one (BankChangeLedger).
   */
  async custodyFunctionResolved(manager: EntityManager, verdict: CustodyFunctionResolution): Promise<void> {
    if (verdict.function === 'CHANGE_BANK_ACCOUNT' && verdict.status === 'SUCCEEDED') await this.takeNewBankAccount(manager, verdict);
    if (verdict.function === 'CHANGE_ACCOUNT_STATUS' && verdict.status === 'SUCCEEDED') {
      if (!verdict.accountStatus) throw new Error(`status change ${verdict.functionId} succeeded without the status the bank took`);
      await this.setAccountStatus(manager, verdict.fundAccountNo, verdict.bankCode, verdict.accountStatus);
    }
    if (verdict.function === 'CANCEL_DESIGNATION' && verdict.status === 'SUCCEEDED') await this.closings.cancelled(manager, verdict);
    // F-3.6, whichever way it ended once the old bank had closed the custody account.
    if (verdict.function === 'CHANGE_CUSTODIAN_BANK') await this.bankChanges.applied(manager, verdict);
    await this.outbox.add(manager, custodyFunctionApplied, verdict, { key: verdict.fundAccountNo });
  }

  /**
   * F-3.4 S: the bank has replaced the relationship's bank account, so every transfer from now on names the new one —
   * one asked for right after the API answered goes to it, since account answers only after this. The bank's verdict
   * is its last word on the account, applied whatever the ledger held (a redelivery sets the same again).
   */
  private async takeNewBankAccount(manager: EntityManager, verdict: CustodyFunctionResolution): Promise<void> {
    if (!verdict.newBankAccountNo) throw new Error(`bank account change ${verdict.functionId} succeeded without its new bank account`);
    const changed = await this.setBankAccount(manager, verdict, verdict.newBankAccountNo);
    // Account sent it for a designated relationship, linked here before; one that ended while the change was at the
    // bank keeps no bank account to change (retrying would not help): the day's CHK03 shows the bank's record.
    if (!changed) {
      this.logger.error({ functionId: verdict.functionId, fundAccountNo: verdict.fundAccountNo, currency: verdict.currency, bankCode: verdict.bankCode }, 'the bank changed the bank account of a ledger no longer designated at it: not applied');
    }
  }

  private async link(manager: EntityManager, event: z.infer<typeof designationResolved.schema>, custodyStatus: 'DESIGNATED' | 'PRE_DESIGNATED'): Promise<void> {
    const updated = await manager.update(
      LedgerAccount,
      { fundAccountNo: event.fundAccountNo, currency: event.currency },
      { bankCode: event.bankCode, bankAccountNo: event.bankAccountNo ?? null, custodyStatus },
    );
    // Account publishes fund-account.opened before any designation of it, on the same partition key,
    // so the ledger row exists; if it does not, fail loudly and let the consumer retry.
    if (updated.affected !== 1) throw new Error(`designation for ${event.fundAccountNo}/${event.currency} arrived before its fund account`);
  }

  /**
   * F-3.2 B: the bank's confirmation, accepted by account. The ledger takes the bank account and opens for transfers
   * before the bank reads our 0000 (the reply leaves through this transaction's outbox), so a deposit the bank
   * starts right after it finds the ledger DESIGNATED. A repeat links the same again and answers 0000 again. A dormant
   * ledger (F-12.3) wakes: reactivation is a designation.
   */
  async designationConfirmed(manager: EntityManager, event: z.infer<typeof designationConfirmed.schema>): Promise<void> {
    const updated = await manager.update(
      LedgerAccount,
      { fundAccountNo: event.fundAccountNo, currency: event.currency, bankCode: event.bankCode },
      // F-12.3: reactivation is a designation.
      { bankAccountNo: event.bankAccountNo, custodyStatus: 'DESIGNATED', dormant: false },
    );
    // Its pre-designation linked this ledger to the bank before account could accept the confirmation: retry loudly if not.
    if (updated.affected !== 1) throw new Error(`confirmation for ${event.fundAccountNo}/${event.currency} found no ledger linked to bank ${event.bankCode}`);
    await this.confirmToBank(manager, event.bankCode, event.reply, 'CONFIRM_DESIGNATION');
  }

  /**
   * F-3.3 B (11001) / 11010 B: a relationship the bank opened, accepted by account. Under the ledger's lock the ledger
   * takes the bank and the bank account and opens for transfers, and its balance at that moment is the opening balance
   * the bank opens the custody account with (`ScBal` of our 0000, which leaves through this transaction's outbox, so a
   * deposit the bank starts on reading it finds the ledger DESIGNATED). The figure is kept per relationship and given
   * back to account for the day's CHK03; a repeat is answered with it again and links nothing anew, whatever moved since.
   */
  async designationOpenedAtBank(manager: EntityManager, event: z.infer<typeof designationOpenedAtBank.schema>): Promise<void> {
    const openingBalance = (await this.openings.givenFor(manager, event.relationshipId)) ?? (await this.openAtBank(manager, event));
    await this.outbox.add(
      manager,
      bankReplyReadyFor(event.bankCode),
      {
        inboundId: event.reply.inboundId,
        bankCode: event.bankCode,
        route: event.reply.route,
        function: event.function,
        returnCode: CONFIRMED,
        returnMessage: describeReturnCode(CONFIRMED)?.zh ?? '',
        serialNo: event.serialNo,
        openingBalance,
      },
      { key: event.bankCode },
    );
    await this.outbox.add(
      manager,
      openingBalanceGiven,
      { relationshipId: event.relationshipId, fundAccountNo: event.fundAccountNo, currency: event.currency, bankCode: event.bankCode, openingBalance },
      { key: event.fundAccountNo },
    );
  }

  private async openAtBank(manager: EntityManager, event: z.infer<typeof designationOpenedAtBank.schema>): Promise<Money> {
    const ledger = await this.ledger.lock(manager, event.fundAccountNo, event.currency);
    // Account publishes fund-account.opened before any relationship of it, on the same partition key: retry loudly if not.
    if (!ledger) throw new Error(`the bank's designation of ${event.fundAccountNo}/${event.currency} arrived before its fund account`);
    await manager.update(
      LedgerAccount,
      { fundAccountNo: event.fundAccountNo, currency: event.currency },
      // A new relationship starts NORMAL, whatever an earlier one of this ledger was left as.
      { bankCode: event.bankCode, bankAccountNo: event.bankAccountNo, custodyStatus: 'DESIGNATED', accountStatus: 'NORMAL' },
    );
    const openingBalance = this.ledger.figures(ledger).balance;
    await this.openings.record(manager, { relationshipId: event.relationshipId, bankCode: event.bankCode, fundAccountNo: event.fundAccountNo, currency: event.currency, openingBalance });
    return openingBalance;
  }

  /**
   * 11011 B: the status account accepted, on every currency's ledger of the fund account at the bank, before the
   * bank reads our 0000 (the reply leaves through this transaction's outbox): from then on a frozen or lost ledger
   * refuses the bank's transfers (2010) as ours (RELATIONSHIP_FROZEN). A repeat sets account's current status again.
   */
  async relationshipStatusChanged(manager: EntityManager, event: z.infer<typeof relationshipStatusChanged.schema>): Promise<void> {
    await this.setAccountStatus(manager, event.fundAccountNo, event.bankCode, event.accountStatus);
    await this.confirmToBank(manager, event.bankCode, event.reply, 'CHANGE_ACCOUNT_STATUS');
  }

  /**
   * F-3.4 B (11006): the bank account account accepted, on the ledger of that currency, before the bank reads our 0000
   * (the reply leaves through this transaction's outbox): a withdrawal the customer asks for right after pays into the
   * new account, and the bank's 12001/12002 naming the old one is refused 3001. A repeat sets account's current bank
   * account again.
   */
  async relationshipBankAccountChanged(manager: EntityManager, event: z.infer<typeof relationshipBankAccountChanged.schema>): Promise<void> {
    const changed = await this.setBankAccount(manager, event, event.bankAccountNo);
    // Account changed only a designated relationship, which this projection linked before account could: retry loudly if not.
    if (!changed) throw new Error(`bank account change for ${event.fundAccountNo}/${event.currency} found no ledger designated at bank ${event.bankCode}`);
    await this.confirmToBank(manager, event.bankCode, event.reply, 'CHANGE_BANK_ACCOUNT');
  }

  /** 11006, whoever started it: the ledger of the relationship's currency designated at the bank; false if there is none. */
  private async setBankAccount(
    manager: EntityManager,
    ledger: { readonly fundAccountNo: string; readonly currency: Currency; readonly bankCode: string },
    bankAccountNo: string,
  ): Promise<boolean> {
    const updated = await manager.update(
      LedgerAccount,
      { fundAccountNo: ledger.fundAccountNo, currency: ledger.currency, bankCode: ledger.bankCode, custodyStatus: 'DESIGNATED' },
      { bankAccountNo },
    );
    return updated.affected === 1;
  }

  /** 11011, whoever started it: every currency's ledger of the fund account designated at the bank. */
  private async setAccountStatus(manager: EntityManager, fundAccountNo: string, bankCode: string, accountStatus: RelationshipAccountStatus): Promise<void> {
    const updated = await manager.update(LedgerAccount, { fundAccountNo, bankCode, custodyStatus: 'DESIGNATED' }, { accountStatus });
    // Account changes only designated relationships, which this projection linked before account could: retry loudly if not.
    if (!updated.affected) throw new Error(`status change for ${fundAccountNo} found no ledger designated at bank ${bankCode}`);
  }

  /** The 0000 account left for the ledger to give, once the ledger reflects the function (this transaction's outbox). */
  private async confirmToBank(
    manager: EntityManager,
    bankCode: string,
    reply: z.infer<typeof designationConfirmed.schema>['reply'],
    bankFunction: 'CONFIRM_DESIGNATION' | 'CHANGE_ACCOUNT_STATUS' | 'CHANGE_BANK_ACCOUNT',
  ): Promise<void> {
    await this.outbox.add(
      manager,
      bankReplyReadyFor(bankCode),
      { inboundId: reply.inboundId, bankCode, route: reply.route, function: bankFunction, returnCode: CONFIRMED, returnMessage: describeReturnCode(CONFIRMED)?.zh ?? '' },
      { key: bankCode },
    );
  }
}

const CONFIRMED = '0000';
