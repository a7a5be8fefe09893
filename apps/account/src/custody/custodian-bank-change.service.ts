import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager, In } from 'typeorm';
import { type CustodyFunctionResolution, type RelationshipOpenedByBankChange } from '@custody/contracts';
import { BusinessCalendar, CUSTODY_CONFIG, type CustodyConfig, DomainError, findBank, IdempotencyStore, nextSerialNo, SecretSealer } from '@custody/service-kit';
import { Customer } from '../customers/customer.entity';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { AccountFunctionRepository } from './account-function.repository';
import { bankChangeRefusal } from './custodian-bank-change-rules';
import type { BankChangeBody } from './custody-function.dto';
import { CustodyFunctionRequest } from './custody-function-request.entity';
import { CustodyFunctionRequests } from './custody-function-requests';
import { ACTIVE_STATUSES, CustodyRelationship } from './custody-relationship.entity';
import { CustodyRelationshipRepository } from './custody-relationship.repository';
import { relationshipAnswer } from './relationship-answer';

const SCOPE = 'bank-change';

/** The functions that change a relationship at its bank: while one awaits the bank, no other starts (RELATIONSHIP_CHANGING). */
const CHANGING_FUNCTIONS = ['CANCEL_DESIGNATION', 'CHANGE_CUSTODIAN_BANK', 'CHANGE_BANK_ACCOUNT', 'CHANGE_ACCOUNT_STATUS'] as const;

/**
 * F-3.6 S: the customer moves a fund account's relationship in one currency to another custodian bank. Account refuses
 * what it can tell from its own records (`bankChangeRefusal`), records the request with every serial the change may
 * use, and hands it to the saga: the ledger closes (nothing held or in flight), the old bank closes the custody account
 * with the whole balance (11004), the new bank opens one with it (11001) — or, if the new bank refuses, the old bank
 * opens one again (11002). Once the ledger moved (`custody.function-applied`), `applied` ends the old relationship and
 * opens the new one, each with its day's function in the journal (CHK02/CHK03 of each bank).
 */
@Injectable()
export class CustodianBankChanges {
  private readonly logger = new Logger(CustodianBankChanges.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly sealer: SecretSealer,
    private readonly calendar: BusinessCalendar,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
    private readonly requests: CustodyFunctionRequests,
    private readonly functions: AccountFunctionRepository,
    private readonly relationships: CustodyRelationshipRepository,
  ) {}

  /** Returns the request's id; its answer is awaited by the caller (`CustodyFunctionRequests.settledWithin`). */
  async request(body: BankChangeBody, requestedBy: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, SCOPE, body.requestId, body);
      if (replayOf) return replayOf;
      // Every currency of the number, then the customer: the order designations lock them in (§13 spans the customer).
      const currencies = await manager.find(FundAccount, { where: { fundAccountNo: body.fundAccountNo }, order: { currency: 'ASC' }, lock: { mode: 'pessimistic_write' } });
      const account = currencies.find((a) => a.currency === body.currency);
      if (!account) throw new DomainError('NOT_FOUND', `fund account ${body.fundAccountNo} has no ${body.currency} account`);
      const customer = await manager.findOneOrFail(Customer, { where: { customerNo: account.customerNo }, lock: { mode: 'pessimistic_write' } });
      const relationship = await manager.findOne(CustodyRelationship, {
        where: { fundAccountNo: body.fundAccountNo, currency: body.currency, status: In(ACTIVE_STATUSES) },
        lock: { mode: 'pessimistic_write' },
      });
      const refusal = bankChangeRefusal(body, {
        relationship: relationship ?? undefined,
        newBankConfigured: findBank(this.config, body.newBankCode) !== undefined,
        changeInFlight: relationship ? await manager.existsBy(CustodyFunctionRequest, { relationshipId: relationship.id, function: In([...CHANGING_FUNCTIONS]), status: 'PENDING' }) : false,
        otherFundAccountAtNewBank: await this.relationships.otherFundAccountAtBank(manager, account.customerNo, body.newBankCode, body.fundAccountNo),
      });
      if (refusal) throw new DomainError(refusal.code, refusal.detail, refusal.field ? { field: refusal.field } : {});
      const old = relationship!;

      // Every serial the change may use, drawn now: a resumed saga sends each call again under its first serial.
      const today = this.calendar.today();
      const [serialNo, openingSerialNo, restoringSerialNo] = [
        await nextSerialNo(manager, 'account.serial_seq', 'account', today),
        await nextSerialNo(manager, 'account.serial_seq', 'account', today),
        await nextSerialNo(manager, 'account.serial_seq', 'account', today),
      ];
      const functionId = await this.requests.send(
        manager,
        {
          function: 'CHANGE_CUSTODIAN_BANK',
          serialNo,
          bankCode: old.bankCode,
          fundAccountNo: body.fundAccountNo,
          currency: body.currency,
          // Profile §4.1: an 11004 of a pre-designated relationship has no bank account.
          ...(old.bankAccountNo ? { bankAccountNo: old.bankAccountNo } : {}),
          newBankCode: body.newBankCode,
          newBankAccountNo: body.newBankAccountNo,
          bankPassword: this.sealer.seal(body.bankPassword),
          openingSerialNo,
          restoringSerialNo,
          customer: { name: customer.name, type: customer.type, idType: customer.idType, idNumber: { sealed: customer.idNumberSealed } },
        },
        { relationshipId: old.id, requestedBy },
      );
      await this.idempotency.complete(manager, SCOPE, body.requestId, functionId);
      this.logger.log({ functionId, fundAccountNo: body.fundAccountNo, currency: body.currency, from: old.bankCode, to: body.newBankCode, serialNo }, 'change of custodian bank asked (F-3.6)');
      return functionId;
    });
  }

  /**
   * The verdict, after the ledger took it. Once the old bank closed the custody account (`bankChange`), the old
   * relationship is CANCELLED (the day's 11004 at the old bank, 金额 the balance that left) and the one the change
   * opened is recorded (the day's 11001 at the new bank, or 11002 at the old bank when the new one refused). A change
   * that succeeded is answered with the new relationship, kept for a repeat; a refusal before the old bank acted
   * changed nothing.
   */
  async applied(manager: EntityManager, request: CustodyFunctionRequest, verdict: CustodyFunctionResolution): Promise<void> {
    const change = verdict.bankChange;
    if (!change) return;
    const old = await manager.findOneOrFail(CustodyRelationship, { where: { id: request.relationshipId }, lock: { mode: 'pessimistic_write' } });
    old.status = 'CANCELLED';
    await manager.save(old);
    await this.functions.record(manager, {
      relationshipId: old.id,
      bankCode: old.bankCode,
      businessDate: verdict.businessDate,
      functionCode: '11004',
      initiator: 'S',
      requestedBy: request.requestedBy,
      brokerSerialNo: request.serialNo,
      bankSerialNo: change.cancelledBankSerialNo ?? null,
      custodyAccountNo: old.custodyAccountNo,
      bankAccountNo: old.bankAccountNo,
      amount: change.balanceLeaving,
      statusAfter: 'CANCELLED',
    });
    const log = { functionId: request.id, fundAccountNo: request.fundAccountNo, currency: request.currency, oldBankCode: old.bankCode };
    if (!change.opened) {
      this.logger.error(log, 'the old bank closed the custody account and no bank opened one: the fund account has no custodian bank until an operator opens one');
      return;
    }
    const relationship = await this.open(manager, request, change.opened);
    if (verdict.status === 'SUCCEEDED') await manager.update(CustodyFunctionRequest, { id: request.id }, { answer: relationshipAnswer(relationship) });
    this.logger.log({ ...log, bankCode: relationship.bankCode, status: relationship.status }, verdict.status === 'SUCCEEDED' ? 'custodian bank changed (F-3.6)' : 'the new bank refused; the relationship is open at the old bank again, pre-designated');
  }

  /** The relationship the change opened, and its day's 11001 or 11002 with the balance it opened with. */
  private async open(manager: EntityManager, request: CustodyFunctionRequest, opened: RelationshipOpenedByBankChange): Promise<CustodyRelationship> {
    const relationship = manager.create(CustodyRelationship, {
      id: randomUUID(),
      fundAccountNo: request.fundAccountNo,
      currency: request.currency,
      bankCode: opened.bankCode,
      bankAccountNo: opened.bankAccountNo ?? null,
      custodyAccountNo: opened.custodyAccountNo ?? null,
      status: opened.mode === 'DESIGNATE' ? 'DESIGNATED' : 'PRE_DESIGNATED',
      accountStatus: 'NORMAL',
      dormantSince: null,
      serialNo: opened.serialNo,
      requestedBy: request.requestedBy,
      failureCode: null,
      bankReturnCode: null,
      failureMessage: null,
    });
    await manager.insert(CustodyRelationship, relationship);
    await this.functions.record(manager, {
      relationshipId: relationship.id,
      bankCode: relationship.bankCode,
      businessDate: opened.businessDate,
      functionCode: opened.mode === 'DESIGNATE' ? '11001' : '11002',
      initiator: 'S',
      requestedBy: request.requestedBy,
      brokerSerialNo: opened.serialNo,
      bankSerialNo: opened.bankSerialNo ?? null,
      custodyAccountNo: relationship.custodyAccountNo,
      bankAccountNo: relationship.bankAccountNo,
      amount: opened.openingBalance,
      statusAfter: opened.mode === 'DESIGNATE' ? 'DESIGNATED' : 'PRE_DESIGNATED',
    });
    return relationship;
  }
}
