import { Injectable, Logger } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { type bankAccountRequestReceived, designationConfirmed } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { SecretSealer } from '@custody/service-kit';
import { fundAccountHolder } from '../customers/fund-account-holder';
import { BankDays } from '../day/bank-days';
import { AccountFunctionRepository } from './account-function.repository';
import { BankRequestAnswers } from './bank-request-answers';
import { CONFIRMATION_CODES, type ConfirmationRequest, confirmationVerdict } from './confirmation-decisions';
import { ACTIVE_STATUSES, CustodyRelationship } from './custody-relationship.entity';

/** The idempotency scope of the bank's 11003s (per bank). */
const SCOPE = 'bank-confirmation';

type AccountRequest = Extract<z.infer<typeof bankAccountRequestReceived.schema>, { function: 'CONFIRM_DESIGNATION' }>;

/**
 * F-3.2 B: the customer confirms a pre-designation at the bank's counter (11003). Account decides
 * (confirmation-decisions.ts) and, on acceptance, records the relationship DESIGNATED with the bank account and the
 * day's 11003 in one transaction, and hands the reply to the transfer service (`designation.confirmed`), which
 * opens the ledger before it answers the bank. A refusal is answered from here and changes nothing.
 *
 * Keyed by the bank's serial (an idempotency key per bank, its digest over the request as sent, ID number in
 * clear since the adapter seals each copy afresh): a repeat gets the first answer; the serial with other content
 * is refused 2004, as the transfer service refuses a reused bank serial.
 */
@Injectable()
export class ConfirmationService {
  private readonly logger = new Logger(ConfirmationService.name);

  constructor(
    private readonly answers: BankRequestAnswers,
    private readonly outbox: Outbox,
    private readonly sealer: SecretSealer,
    private readonly functions: AccountFunctionRepository,
    private readonly days: BankDays,
  ) {}

  async handle(manager: EntityManager, message: AccountRequest): Promise<void> {
    const request: ConfirmationRequest = {
      bankCode: message.bankCode,
      fundAccountNo: message.fundAccountNo,
      bankAccountNo: message.bankAccountNo,
      customer: { name: message.customer.name, idType: message.customer.idType, idNumber: this.sealer.open(message.customer.idNumber) },
    };
    const log = { bankCode: message.bankCode, serialNo: message.serialNo, fundAccountNo: message.fundAccountNo };
    const claim = await this.answers.claim(manager, SCOPE, message, { ...request, currency: message.currency });
    if (claim.kind === 'reused') {
      this.logger.warn(log, 'bank serial reused for a different 11003; refused as a duplicate serial, nothing changed');
      return this.answers.reply(manager, message, CONFIRMATION_CODES.DUPLICATE_BANK_SERIAL);
    }
    if (claim.kind === 'repeat') return this.answerAgain(manager, message, claim.firstAnswer);

    const relationship = request.fundAccountNo
      ? await manager.findOne(CustodyRelationship, {
          where: { fundAccountNo: request.fundAccountNo, currency: message.currency as CustodyRelationship['currency'], status: In(ACTIVE_STATUSES) },
          lock: { mode: 'pessimistic_write' },
        })
      : null;
    const verdict = confirmationVerdict(request, { holder: await fundAccountHolder(manager, this.sealer, request.fundAccountNo), relationship: relationship ?? undefined });
    await this.answers.settle(manager, SCOPE, message, verdict.code);
    if (verdict.code !== CONFIRMATION_CODES.CONFIRMED) {
      this.logger.warn({ ...log, returnCode: verdict.code, why: verdict.why }, 'bank confirmation of a pre-designation refused; nothing changed');
      return this.answers.reply(manager, message, verdict.code);
    }
    // The verdict accepted only a PRE_DESIGNATED relationship, and only with a bank account.
    const confirmed = relationship!;
    confirmed.status = 'DESIGNATED';
    confirmed.bankAccountNo = request.bankAccountNo!;
    // F-12.3: reactivation is a designation; the ledger wakes with `designation.confirmed`.
    confirmed.dormantSince = null;
    await manager.save(confirmed);
    // The bank's day (or the next, after its 13011), as the bank's own CHK02/CHK03 list it.
    const businessDate = await this.days.dateOfBankFunction(manager, message.bankCode, message.businessDate);
    await this.functions.record(manager, {
      relationshipId: confirmed.id,
      bankCode: confirmed.bankCode,
      businessDate,
      functionCode: '11003',
      initiator: 'B',
      brokerSerialNo: null,
      bankSerialNo: message.serialNo,
      custodyAccountNo: confirmed.custodyAccountNo,
      bankAccountNo: confirmed.bankAccountNo,
      amount: null,
      statusAfter: 'DESIGNATED',
    });
    this.logger.log({ ...log, relationshipId: confirmed.id }, 'pre-designation confirmed by the bank; the ledger opens before the bank is answered');
    await this.handToLedger(manager, message, confirmed, confirmed.bankAccountNo);
  }

  /** A repeat: the first answer again; an accepted one through the ledger again, which answers once it is linked. */
  private async answerAgain(manager: EntityManager, message: AccountRequest, code: string): Promise<void> {
    if (code !== CONFIRMATION_CODES.CONFIRMED) return this.answers.reply(manager, message, code);
    const done = await this.functions.ofBankSerial(manager, message.bankCode, message.serialNo);
    const relationship = done && (await manager.findOneBy(CustodyRelationship, { id: done.relationshipId }));
    if (!relationship || !done.bankAccountNo) throw new Error(`bank serial ${message.serialNo} was confirmed but its 11003 record is gone`);
    await this.handToLedger(manager, message, relationship, done.bankAccountNo);
  }

  private async handToLedger(manager: EntityManager, message: AccountRequest, relationship: CustodyRelationship, bankAccountNo: string): Promise<void> {
    await this.outbox.add(
      manager,
      designationConfirmed,
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
}
