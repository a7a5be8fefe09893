import { Injectable, Logger } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { type bankAccountRequestReceived, relationshipBankAccountChanged } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { Money } from '@custody/money';
import { SecretSealer } from '@custody/service-kit';
import { Customer } from '../customers/customer.entity';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { BankDays } from '../day/bank-days';
import { AccountFunctionRepository } from './account-function.repository';
import { BANK_ACCOUNT_CHANGE_CODES, type BankAccountChangeRequest, bankAccountChangeVerdict } from './bank-account-change-decisions';
import { BankRequestAnswers } from './bank-request-answers';
import type { Identity } from './identity-rules';
import { ACTIVE_STATUSES, CustodyRelationship } from './custody-relationship.entity';

/** The idempotency scope of the bank's 11006s (per bank). */
const SCOPE = 'bank-account-change';

type AccountRequest = Extract<z.infer<typeof bankAccountRequestReceived.schema>, { function: 'CHANGE_BANK_ACCOUNT' }>;

/**
 * F-3.4 B: the customer changes their bank settlement account at the bank's counter (11006). Account decides
 * (bank-account-change-decisions.ts) and, on acceptance, puts the new account on the relationship and records the
 * day's 11006 (CHK03 with the new account, 金额 0; CHK02 lists the relationship with it) in one transaction, and hands
 * the reply to the transfer service (`relationship.bank-account-changed`), which sets the ledger's bank account
 * before it answers the bank: a transfer right after the bank reads our 0000 goes to the new account. A refusal is
 * answered from here and changes nothing.
 *
 * Keyed by the bank's serial as ConfirmationService is: a repeat gets the first answer; the serial with other content
 * is refused 2004.
 */
@Injectable()
export class BankAccountChangeService {
  private readonly logger = new Logger(BankAccountChangeService.name);

  constructor(
    private readonly answers: BankRequestAnswers,
    private readonly outbox: Outbox,
    private readonly sealer: SecretSealer,
    private readonly functions: AccountFunctionRepository,
    private readonly days: BankDays,
  ) {}

  async handle(manager: EntityManager, message: AccountRequest): Promise<void> {
    const request: BankAccountChangeRequest = {
      bankCode: message.bankCode,
      fundAccountNo: message.fundAccountNo,
      oldBankAccountNo: message.bankAccountNo ?? '',
      newBankAccountNo: message.newBankAccountNo ?? '',
      ...(message.customer ? { customer: { ...message.customer, idNumber: this.sealer.open(message.customer.idNumber) } } : {}),
    };
    // Never the customer: the log says which accounts, not who.
    const log = { bankCode: message.bankCode, serialNo: message.serialNo, fundAccountNo: message.fundAccountNo, currency: message.currency };
    const claim = await this.answers.claim(manager, SCOPE, message, { ...request, currency: message.currency });
    if (claim.kind === 'reused') {
      this.logger.warn(log, 'bank serial reused for a different 11006; refused as a duplicate serial, nothing changed');
      return this.answers.reply(manager, message, BANK_ACCOUNT_CHANGE_CODES.DUPLICATE_BANK_SERIAL);
    }
    const relationship = await this.relationshipOf(manager, message);
    if (claim.kind === 'repeat') return this.answerAgain(manager, message, claim.firstAnswer, relationship);

    const verdict = bankAccountChangeVerdict(request, { holder: await this.holderOf(manager, request.fundAccountNo), relationship: relationship ?? undefined });
    await this.answers.settle(manager, SCOPE, message, verdict.code);
    if (verdict.code !== BANK_ACCOUNT_CHANGE_CODES.CHANGED) {
      this.logger.warn({ ...log, returnCode: verdict.code, why: verdict.why }, 'bank account change refused; nothing changed');
      return this.answers.reply(manager, message, verdict.code);
    }
    // The verdict accepted only the DESIGNATED relationship at this bank, linked to the old account.
    const changed = relationship!;
    changed.bankAccountNo = request.newBankAccountNo;
    await manager.save(changed);
    // The bank's day (or the next, after its 13011), as the bank's own CHK02/CHK03 list it.
    const businessDate = await this.days.dateOfBankFunction(manager, message.bankCode, message.businessDate);
    await this.functions.record(manager, {
      relationshipId: changed.id,
      bankCode: changed.bankCode,
      businessDate,
      functionCode: '11006',
      initiator: 'B',
      brokerSerialNo: null,
      bankSerialNo: message.serialNo,
      custodyAccountNo: changed.custodyAccountNo,
      // CHK03 compares the new account (bank-protocol.md §5); CHK02 shows the relationship with it.
      bankAccountNo: changed.bankAccountNo,
      // CHK03's 金额 of an 11006 is 0 (bank-protocol.md §5): no money moves.
      amount: Money.zero(),
      statusAfter: 'DESIGNATED',
    });
    this.logger.log({ ...log, relationshipId: changed.id }, 'bank account changed by the bank; the ledger follows before the bank is answered');
    await this.handToLedger(manager, message, changed, request.newBankAccountNo);
  }

  /**
   * A repeat: a refusal is answered again; an acceptance goes through the ledger again with the bank account the
   * relationship holds now, so an old request repeated never undoes a later change. A relationship no longer
   * designated here (cancelled since) has no ledger link to set: its first answer is given again from here.
   */
  private async answerAgain(manager: EntityManager, message: AccountRequest, code: string, relationship: CustodyRelationship | null): Promise<void> {
    const linkedNow = relationship?.status === 'DESIGNATED' && relationship.bankCode === message.bankCode ? relationship.bankAccountNo : null;
    if (code !== BANK_ACCOUNT_CHANGE_CODES.CHANGED || !relationship || !linkedNow) return this.answers.reply(manager, message, code);
    await this.handToLedger(manager, message, relationship, linkedNow);
  }

  /** Locked, so a concurrent change of the same relationship waits and decides on this one's result. */
  private async relationshipOf(manager: EntityManager, message: AccountRequest): Promise<CustodyRelationship | null> {
    if (!message.fundAccountNo) return null;
    return manager.findOne(CustodyRelationship, {
      where: { fundAccountNo: message.fundAccountNo, currency: message.currency as CustodyRelationship['currency'], status: In(ACTIVE_STATUSES) },
      lock: { mode: 'pessimistic_write' },
    });
  }

  private async handToLedger(manager: EntityManager, message: AccountRequest, relationship: CustodyRelationship, bankAccountNo: string): Promise<void> {
    await this.outbox.add(
      manager,
      relationshipBankAccountChanged,
      {
        relationshipId: relationship.id,
        fundAccountNo: relationship.fundAccountNo,
        currency: relationship.currency,
        bankCode: relationship.bankCode,
        bankAccountNo,
        reply: { inboundId: message.inboundId, route: message.route },
      },
      // The same key as the relationship's other events, so the ledger sees them in order.
      { key: relationship.fundAccountNo },
    );
  }

  private async holderOf(manager: EntityManager, fundAccountNo: string): Promise<Identity | undefined> {
    if (!fundAccountNo) return undefined;
    const account = await manager.findOneBy(FundAccount, { fundAccountNo });
    const customer = account && (await manager.findOneBy(Customer, { customerNo: account.customerNo }));
    if (!customer) return undefined;
    return { name: customer.name, idType: customer.idType, idNumber: this.sealer.open({ sealed: customer.idNumberSealed }) };
  }
}
