import { Injectable, Logger } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { type bankAccountRequestReceived, relationshipCancellationAccepted, type relationshipLedgerClosed } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { Money } from '@custody/money';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { BankDays } from '../day/bank-days';
import { AccountFunctionRepository } from './account-function.repository';
import { BANK_CANCELLATION_CODES, type BankCancellationRequest, bankCancellationVerdict } from './bank-cancellation-decisions';
import { BankRequestAnswers } from './bank-request-answers';
import { CustodyFunctionRequest } from './custody-function-request.entity';
import { ACTIVE_STATUSES, CustodyRelationship } from './custody-relationship.entity';

/** The idempotency scope of the bank's 11004s (per bank). */
const SCOPE = 'bank-cancellation';

type CancellationRequest = Extract<z.infer<typeof bankAccountRequestReceived.schema>, { function: 'CANCEL_DESIGNATION' }>;
type LedgerClosed = z.infer<typeof relationshipLedgerClosed.schema>;

/**
 * F-3.8 B: the customer cancels the custody of one currency at the bank's counter (11004). Account decides on the
 * relationship (bank-cancellation-decisions.ts); a refusal is answered from here and changes nothing. An accepted one
 * goes to the transfer service (`relationship.cancellation-accepted`), which decides on the ledger: it refuses, or
 * closes the ledger and answers 0000 in one transaction and tells account (`relationship.ledger-closed`), which then
 * marks the relationship CANCELLED and records the day's 11004. The ledger closes first because it is what moves
 * money: the relationship shows DESIGNATED at most one message hop after no transfer can use it any more, and never
 * CANCELLED while one still can (docs/design.md "F-3.8 B").
 *
 * Keyed by the bank's serial as ConfirmationService is: the serial with other content is refused 2004; a repeat of a
 * refusal made here is answered again from here, a repeat of one handed on goes to the ledger again, which keeps its
 * own first answer to the serial.
 */
@Injectable()
export class BankCancellationService {
  private readonly logger = new Logger(BankCancellationService.name);

  constructor(
    private readonly answers: BankRequestAnswers,
    private readonly outbox: Outbox,
    private readonly functions: AccountFunctionRepository,
    private readonly days: BankDays,
  ) {}

  async handle(manager: EntityManager, message: CancellationRequest): Promise<void> {
    const request: BankCancellationRequest = {
      bankCode: message.bankCode,
      fundAccountNo: message.fundAccountNo,
      ...(message.bankAccountNo === undefined ? {} : { bankAccountNo: message.bankAccountNo }),
      ...(message.leavingBalance === undefined ? {} : { leavingBalance: message.leavingBalance }),
    };
    const log = { bankCode: message.bankCode, serialNo: message.serialNo, fundAccountNo: message.fundAccountNo, currency: message.currency };
    const claim = await this.answers.claim(manager, SCOPE, message, { ...request, leavingBalance: request.leavingBalance?.toString(), currency: message.currency });
    if (claim.kind === 'reused') {
      this.logger.warn(log, 'bank serial reused for a different 11004; refused as a duplicate serial, nothing changed');
      return this.answers.reply(manager, message, BANK_CANCELLATION_CODES.DUPLICATE_BANK_SERIAL);
    }
    if (claim.kind === 'repeat') return this.answerAgain(manager, message, claim.firstAnswer);

    const relationship = await this.liveRelationship(manager, message);
    const fundAccountExists = message.fundAccountNo !== '' && (await manager.existsBy(FundAccount, { fundAccountNo: message.fundAccountNo }));
    // The broker's own cancellation of it (F-3.8 S) still awaiting its bank: that one decides the relationship.
    const brokerCancellationPending = relationship
      ? await manager.existsBy(CustodyFunctionRequest, { relationshipId: relationship.id, function: 'CANCEL_DESIGNATION', status: 'PENDING' })
      : false;
    const verdict = bankCancellationVerdict(request, { fundAccountExists, relationship: relationship ? { ...relationship, brokerCancellationPending } : undefined });
    await this.answers.settle(manager, SCOPE, message, verdict.code);
    if (verdict.code !== BANK_CANCELLATION_CODES.ACCEPTED) {
      this.logger.warn({ ...log, returnCode: verdict.code, why: verdict.why }, 'bank cancellation refused; nothing changed');
      return this.answers.reply(manager, message, verdict.code);
    }
    // The verdict accepted only a live relationship at this bank. The bank's day (or the next, after its 13011), as
    // the bank's own CHK02/CHK03 list it; fixed now, so the record account writes later is on the same day.
    const businessDate = await this.days.dateOfBankFunction(manager, message.bankCode, message.businessDate);
    this.logger.log({ ...log, relationshipId: relationship!.id }, 'bank cancellation accepted by account; the ledger decides and answers the bank');
    await this.handToLedger(manager, message, relationship!, businessDate);
  }

  /**
   * F-3.8 B: the ledger is closed and the bank answered 0000. The relationship becomes CANCELLED and the day's 11004 is
   * recorded (CHK03 with 金额 0, the bank account it had; CHK02 lists the relationship cancelled), in one transaction.
   */
  async ledgerClosed(manager: EntityManager, event: LedgerClosed): Promise<void> {
    const relationship = await manager.findOne(CustodyRelationship, { where: { id: event.relationshipId }, lock: { mode: 'pessimistic_write' } });
    // Account accepted the cancellation of this very relationship before the ledger could close: retry loudly if not.
    if (!relationship) throw new Error(`ledger closed for relationship ${event.relationshipId}, which account does not hold`);
    const log = { relationshipId: relationship.id, bankCode: event.bankCode, serialNo: event.bankSerialNo, fundAccountNo: event.fundAccountNo, currency: event.currency };
    if (relationship.status === 'CANCELLED') {
      this.logger.warn(log, 'relationship already cancelled; nothing more to record');
      return;
    }
    relationship.status = 'CANCELLED';
    await manager.save(relationship);
    await this.functions.record(manager, {
      relationshipId: relationship.id,
      bankCode: relationship.bankCode,
      businessDate: event.businessDate,
      functionCode: '11004',
      initiator: 'B',
      brokerSerialNo: null,
      bankSerialNo: event.bankSerialNo,
      custodyAccountNo: relationship.custodyAccountNo,
      bankAccountNo: relationship.bankAccountNo,
      // CHK03's 金额 of an 11004 is its ScBal (bank-protocol.md §5): none leaves in a cancellation.
      amount: Money.zero(),
      statusAfter: 'CANCELLED',
    });
    this.logger.log(log, 'relationship cancelled by the bank; the ledger was closed before');
  }

  /**
   * A repeat: a refusal made here is answered again; one handed on goes to the ledger again, which answers its first
   * answer to the serial. The relationship is the newest of the fund account at this bank in the currency — the one
   * accepted then, cancelled since or not; the ledger only looks the serial up.
   */
  private async answerAgain(manager: EntityManager, message: CancellationRequest, code: string): Promise<void> {
    if (code !== BANK_CANCELLATION_CODES.ACCEPTED) return this.answers.reply(manager, message, code);
    const relationship = await manager.findOne(CustodyRelationship, {
      where: { fundAccountNo: message.fundAccountNo, currency: message.currency as CustodyRelationship['currency'], bankCode: message.bankCode },
      order: { createdAt: 'DESC' },
    });
    if (!relationship) throw new Error(`bank cancellation ${message.serialNo} was accepted for a relationship account no longer holds`);
    await this.handToLedger(manager, message, relationship, await this.days.dateOfBankFunction(manager, message.bankCode, message.businessDate));
  }

  /** Locked, so a concurrent function on the same relationship waits and decides on this one's result. */
  private liveRelationship(manager: EntityManager, message: CancellationRequest): Promise<CustodyRelationship | null> {
    if (!message.fundAccountNo) return Promise.resolve(null);
    return manager.findOne(CustodyRelationship, {
      where: { fundAccountNo: message.fundAccountNo, currency: message.currency as CustodyRelationship['currency'], status: In(ACTIVE_STATUSES) },
      lock: { mode: 'pessimistic_write' },
    });
  }

  private async handToLedger(manager: EntityManager, message: CancellationRequest, relationship: CustodyRelationship, businessDate: string): Promise<void> {
    await this.outbox.add(
      manager,
      relationshipCancellationAccepted,
      {
        relationshipId: relationship.id,
        fundAccountNo: relationship.fundAccountNo,
        currency: relationship.currency,
        bankCode: relationship.bankCode,
        bankSerialNo: message.serialNo,
        businessDate,
        reply: { inboundId: message.inboundId, route: message.route },
      },
      // The same key as the relationship's other events, so the ledger sees them in order.
      { key: relationship.fundAccountNo },
    );
  }
}
