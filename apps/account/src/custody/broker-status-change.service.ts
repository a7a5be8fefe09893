import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BusinessCalendar, DomainError, IdempotencyStore, nextSerialNo } from '@custody/service-kit';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { CustodyFunctionRequest } from './custody-function-request.entity';
import { CustodyFunctionRequests } from './custody-function-requests';
import { CustodyRelationship } from './custody-relationship.entity';
import type { StatusChangeBody } from './custody-function.dto';
import { brokerStatusChangeRefusal } from './status-change-decisions';

const SCOPE = 'broker-status-change';

/** A designated relationship with its bank account, as every designated one has. */
type Linked = CustodyRelationship & { bankAccountNo: string };

/**
 * 11011 S: an operator freezes, reports lost or sets back to normal a fund account's custody at its bank — a
 * compliance act, so the bank is told and takes it first (bank-protocol.md §4.1: every currency there; the new
 * status in our `ScAcct/Status`). Account checks and records the request here; the saga sends it, resending under the
 * same serial until the bank answers definitely; the ledger takes the status the bank took, then account
 * (`BrokerStatusChangeRecorder`), which records the day's 11011 for CHK03.
 */
@Injectable()
export class BrokerStatusChangeService {
  private readonly logger = new Logger(BrokerStatusChangeService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly calendar: BusinessCalendar,
    private readonly requests: CustodyFunctionRequests,
  ) {}

  /** Returns the request's id; its answer is awaited by the caller (`CustodyFunctionRequests.settledWithin`). */
  async request(body: StatusChangeBody, requestedBy: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, SCOPE, body.requestId, body);
      if (replayOf) return replayOf;
      if (!(await manager.existsBy(FundAccount, { fundAccountNo: body.fundAccountNo }))) {
        throw new DomainError('NOT_FOUND', `fund account ${body.fundAccountNo} does not exist`);
      }
      // Locked, so a concurrent change of the same fund account waits and then finds this one in flight.
      const designated = await manager.find(CustodyRelationship, {
        where: { fundAccountNo: body.fundAccountNo, status: 'DESIGNATED' },
        order: { currency: 'ASC' },
        lock: { mode: 'pessimistic_write' },
      });
      // I2: a fund account is at one bank; the change covers every currency it holds there.
      const atBank = designated.filter((relationship): relationship is Linked => relationship.bankCode === designated[0].bankCode && relationship.bankAccountNo !== null);
      // Another 11011 S, or a change of custodian bank (F-3.6) moving a relationship of it, still at a bank.
      const changeInFlight = await manager.existsBy(CustodyFunctionRequest, { fundAccountNo: body.fundAccountNo, function: In(['CHANGE_ACCOUNT_STATUS', 'CHANGE_CUSTODIAN_BANK']), status: 'PENDING' });
      const refusal = brokerStatusChangeRefusal(body.accountStatus, { designated: atBank.map((relationship) => relationship.accountStatus), changeInFlight });
      if (refusal) throw new DomainError(refusal.code, `fund account ${body.fundAccountNo}: ${refusal.why}; nothing was sent`);

      // The day's one 11011 is recorded on the first currency's relationship, as the bank lists it (the message names none).
      const [named] = atBank;
      const serialNo = await nextSerialNo(manager, 'account.serial_seq', 'account', this.calendar.today());
      const functionId = await this.requests.send(
        manager,
        {
          function: 'CHANGE_ACCOUNT_STATUS',
          serialNo,
          bankCode: named.bankCode,
          fundAccountNo: body.fundAccountNo,
          currency: named.currency,
          accountStatus: body.accountStatus,
          bankAccountNo: named.bankAccountNo,
        },
        { relationshipId: named.id, requestedBy },
      );
      await this.idempotency.complete(manager, SCOPE, body.requestId, functionId);
      this.logger.log({ fundAccountNo: body.fundAccountNo, bankCode: named.bankCode, serialNo, accountStatus: body.accountStatus }, 'status change sent to the bank');
      return functionId;
    });
  }
}
