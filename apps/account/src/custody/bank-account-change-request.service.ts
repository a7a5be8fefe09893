import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import { type CustodyFunctionResolution } from '@custody/contracts';
import { Money } from '@custody/money';
import { BusinessCalendar, DomainError, IdempotencyStore, nextSerialNo, SecretSealer } from '@custody/service-kit';
import { Customer } from '../customers/customer.entity';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { AccountFunctionRepository } from './account-function.repository';
import type { BankAccountChangeBody } from './bank-account-change.dto';
import { bankAccountChangeRefusal } from './bank-account-change-decisions';
import { CustodyFunctionRequest } from './custody-function-request.entity';
import { CustodyFunctionRequests } from './custody-function-requests';
import { ACTIVE_STATUSES, CustodyRelationship } from './custody-relationship.entity';
import { relationshipAnswer } from './relationship-answer';

const SCOPE = 'bank-account-change';

/**
 * F-3.4 S: the customer, at the broker, replaces the bank settlement account of one relationship (11006, one currency).
 * Account checks the relationship on the old account (`bankAccountChangeRefusal`) and sends both accounts, the
 * customer (so the bank can check that the new account is theirs) and the old account's bank password where given;
 * the saga resends the same serial until the bank answers definitely, since the change moves the bank's books. Once
 * the bank changed it, the transfer service's ledger takes the new account first (a transfer right after pays to it),
 * then account (`applied`) replaces it on the relationship and records the day's 11006.
 */
@Injectable()
export class BankAccountChangeRequests {
  private readonly logger = new Logger(BankAccountChangeRequests.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly sealer: SecretSealer,
    private readonly calendar: BusinessCalendar,
    private readonly requests: CustodyFunctionRequests,
    private readonly functions: AccountFunctionRepository,
  ) {}

  /** Returns the request's id; its answer is awaited by the caller (`CustodyFunctionRequests.settledWithin`). */
  async request(body: BankAccountChangeBody, requestedBy: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, SCOPE, body.requestId, body);
      if (replayOf) return replayOf;
      const account = await manager.findOneBy(FundAccount, { fundAccountNo: body.fundAccountNo });
      if (!account) throw new DomainError('NOT_FOUND', `fund account ${body.fundAccountNo} does not exist`);
      // Locked: two changes asked at once queue here, and the second finds the first in flight.
      const relationship = await manager.findOne(CustodyRelationship, {
        where: { fundAccountNo: body.fundAccountNo, currency: body.currency, status: In(ACTIVE_STATUSES) },
        lock: { mode: 'pessimistic_write' },
      });
      // Another change of its bank account, or a change of its custodian bank (F-3.6), still at a bank.
      const changeInFlight = relationship
        ? await manager.existsBy(CustodyFunctionRequest, { relationshipId: relationship.id, function: In(['CHANGE_BANK_ACCOUNT', 'CHANGE_CUSTODIAN_BANK']), status: 'PENDING' })
        : false;
      const refusal = bankAccountChangeRefusal(body, { relationship: relationship ?? undefined, changeInFlight });
      if (refusal) throw new DomainError(refusal.code, refusal.detail, refusal.field ? { field: refusal.field } : {});
      if (!relationship) throw new Error(`bank account change of ${body.fundAccountNo} accepted without its relationship`);
      const customer = await manager.findOneByOrFail(Customer, { customerNo: account.customerNo });

      const serialNo = await nextSerialNo(manager, 'account.serial_seq', 'account', this.calendar.today());
      const functionId = await this.requests.send(
        manager,
        {
          function: 'CHANGE_BANK_ACCOUNT',
          serialNo,
          bankCode: relationship.bankCode,
          fundAccountNo: body.fundAccountNo,
          currency: body.currency,
          oldBankAccountNo: body.oldBankAccountNo,
          newBankAccountNo: body.newBankAccountNo,
          ...(body.bankPassword === undefined ? {} : { bankPassword: this.sealer.seal(body.bankPassword) }),
          customer: { name: customer.name, type: customer.type, idType: customer.idType, idNumber: { sealed: customer.idNumberSealed } },
        },
        { relationshipId: relationship.id, requestedBy },
      );
      await this.idempotency.complete(manager, SCOPE, body.requestId, functionId);
      return functionId;
    });
  }

  /**
   * The bank's verdict, after the ledger took it. A change the bank made replaces the relationship's bank account and
   * is the day's 11006 (CHK03 with the new account and 金额 0, CHK02 with the new account), and the relationship as
   * it left it is the request's answer, given again to a repeat. A refusal changes nothing here.
   */
  async applied(manager: EntityManager, request: CustodyFunctionRequest, verdict: CustodyFunctionResolution): Promise<void> {
    if (verdict.status !== 'SUCCEEDED') return;
    const relationship = await manager.findOne(CustodyRelationship, { where: { id: request.relationshipId }, lock: { mode: 'pessimistic_write' } });
    const log = { functionId: request.id, serialNo: request.serialNo, bankCode: request.bankCode, fundAccountNo: request.fundAccountNo, currency: request.currency };
    if (!verdict.newBankAccountNo) throw new Error(`bank account change ${request.id} succeeded without its new bank account`);
    // A relationship that ended while its change was at the bank cannot take it: the bank's CHK03 record shows it to an operator.
    if (relationship?.status !== 'DESIGNATED') {
      this.logger.error({ ...log, status: relationship?.status }, 'the bank changed the bank account of a relationship no longer designated here: not applied, the day’s CHK03 shows it');
      return;
    }
    if (relationship.bankAccountNo !== verdict.oldBankAccountNo) {
      this.logger.warn(log, 'the relationship’s bank account changed meanwhile; the bank’s answer to this change is its last word and is applied');
    }
    relationship.bankAccountNo = verdict.newBankAccountNo;
    await manager.save(relationship);
    await this.functions.record(manager, {
      relationshipId: relationship.id,
      bankCode: relationship.bankCode,
      businessDate: verdict.businessDate,
      functionCode: '11006',
      initiator: 'S',
      requestedBy: request.requestedBy,
      brokerSerialNo: request.serialNo,
      bankSerialNo: verdict.bankSerialNo ?? null,
      custodyAccountNo: relationship.custodyAccountNo,
      bankAccountNo: relationship.bankAccountNo,
      // CHK03's 金额 of an 11006 is 0 (bank-protocol.md §5): no money moves.
      amount: Money.zero(),
      statusAfter: 'DESIGNATED',
    });
    await manager.update(CustodyFunctionRequest, { id: request.id }, { answer: relationshipAnswer(relationship) });
    this.logger.log(log, 'bank settlement account changed (11006)');
  }
}
