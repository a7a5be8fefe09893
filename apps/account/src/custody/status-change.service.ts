import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { type bankAccountRequestReceived, type RelationshipAccountStatus, relationshipStatusChanged } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { BankDays } from '../day/bank-days';
import { AccountFunctionRepository } from './account-function.repository';
import { BankRequestAnswers } from './bank-request-answers';
import { CustodyRelationship } from './custody-relationship.entity';
import { STATUS_CHANGE_CODES, statusChangeVerdict } from './status-change-decisions';

/** The idempotency scope of the bank's 11011s (per bank). */
const SCOPE = 'bank-status-change';

type StatusChangeRequest = Extract<z.infer<typeof bankAccountRequestReceived.schema>, { function: 'CHANGE_ACCOUNT_STATUS' }>;

/**
 * 11011 B: the bank freezes, reports lost or sets back to normal a fund account's relationship with it, every
 * currency at once (bank-protocol.md §4.1). Account decides (status-change-decisions.ts) and, on acceptance, sets
 * the relationships' account status and records the day's 11011 on each in one transaction, and hands the reply to
 * the transfer service (`relationship.status-changed`), which sets the ledgers before it answers the bank. A refusal
 * is answered from here and changes nothing.
 *
 * Keyed by the bank's serial as ConfirmationService is: a repeat gets the first answer; the serial with other
 * content is refused 2004.
 */
@Injectable()
export class StatusChangeService {
  private readonly logger = new Logger(StatusChangeService.name);

  constructor(
    private readonly answers: BankRequestAnswers,
    private readonly outbox: Outbox,
    private readonly functions: AccountFunctionRepository,
    private readonly days: BankDays,
  ) {}

  async handle(manager: EntityManager, message: StatusChangeRequest): Promise<void> {
    const log = { bankCode: message.bankCode, serialNo: message.serialNo, fundAccountNo: message.fundAccountNo, accountStatus: message.accountStatus };
    const claim = await this.answers.claim(manager, SCOPE, message, {
      fundAccountNo: message.fundAccountNo,
      bankAccountNo: message.bankAccountNo,
      accountStatus: message.accountStatus,
    });
    if (claim.kind === 'reused') {
      this.logger.warn(log, 'bank serial reused for a different 11011; refused as a duplicate serial, nothing changed');
      return this.answers.reply(manager, message, STATUS_CHANGE_CODES.DUPLICATE_BANK_SERIAL);
    }
    const relationships = await this.designatedHere(manager, message);
    if (claim.kind === 'repeat') return this.answerAgain(manager, message, claim.firstAnswer, relationships);

    const fundAccountExists = message.fundAccountNo !== '' && (await manager.existsBy(FundAccount, { fundAccountNo: message.fundAccountNo }));
    const verdict = statusChangeVerdict(
      { fundAccountNo: message.fundAccountNo, accountStatus: message.accountStatus },
      { fundAccountExists, designatedHere: relationships.map((relationship) => relationship.accountStatus) },
    );
    await this.answers.settle(manager, SCOPE, message, verdict.code);
    if (verdict.code !== STATUS_CHANGE_CODES.CHANGED) {
      this.logger.warn({ ...log, returnCode: verdict.code, why: verdict.why }, 'bank status change refused; nothing changed');
      return this.answers.reply(manager, message, verdict.code);
    }
    // The bank's day (or the next, after its 13011), as the bank's own CHK03 lists it.
    const businessDate = await this.days.dateOfBankFunction(manager, message.bankCode, message.businessDate);
    for (const relationship of relationships) {
      relationship.accountStatus = message.accountStatus;
      await manager.save(relationship);
      await this.functions.record(manager, {
        relationshipId: relationship.id,
        bankCode: relationship.bankCode,
        businessDate,
        functionCode: '11011',
        initiator: 'B',
        brokerSerialNo: null,
        bankSerialNo: message.serialNo,
        custodyAccountNo: relationship.custodyAccountNo,
        bankAccountNo: relationship.bankAccountNo,
        amount: null,
        // The custody state, which a status change leaves as it is (the frozen state is account_status).
        statusAfter: 'DESIGNATED',
      });
    }
    this.logger.log({ ...log, currencies: relationships.map((relationship) => relationship.currency) }, 'status changed by the bank; the ledger follows before the bank is answered');
    await this.handToLedger(manager, message, message.accountStatus);
  }

  /**
   * A repeat: a refusal is answered again; an acceptance goes through the ledger again with the status account holds
   * now, so an old request repeated never undoes a later change. Relationships cancelled since have no ledger to set.
   */
  private async answerAgain(manager: EntityManager, message: StatusChangeRequest, code: string, relationships: CustodyRelationship[]): Promise<void> {
    if (code !== STATUS_CHANGE_CODES.CHANGED || relationships.length === 0) return this.answers.reply(manager, message, code);
    await this.handToLedger(manager, message, relationships[0].accountStatus);
  }

  /** Locked, so a concurrent change of the same fund account waits and decides on this one's result. */
  private designatedHere(manager: EntityManager, message: StatusChangeRequest): Promise<CustodyRelationship[]> {
    if (!message.fundAccountNo) return Promise.resolve([]);
    return manager.find(CustodyRelationship, {
      where: { fundAccountNo: message.fundAccountNo, bankCode: message.bankCode, status: 'DESIGNATED' },
      order: { currency: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  private async handToLedger(manager: EntityManager, message: StatusChangeRequest, accountStatus: RelationshipAccountStatus): Promise<void> {
    await this.outbox.add(
      manager,
      relationshipStatusChanged,
      { fundAccountNo: message.fundAccountNo, bankCode: message.bankCode, accountStatus, reply: { inboundId: message.inboundId, route: message.route } },
      // The same key as the relationship's other events, so the ledger sees them in order.
      { key: message.fundAccountNo },
    );
  }

}
