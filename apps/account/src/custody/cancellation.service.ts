import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BusinessCalendar, DomainError, IdempotencyStore, nextSerialNo } from '@custody/service-kit';
import { Customer } from '../customers/customer.entity';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { cancellationRefusal } from './cancellation-decisions';
import { ACTIVE_STATUSES, CustodyRelationship } from './custody-relationship.entity';
import { CustodyFunctionRequest } from './custody-function-request.entity';
import { CustodyFunctionRequests } from './custody-function-requests';
import type { CancellationBody } from './custody-function.dto';

const SCOPE = 'cancellation';

/**
 * F-3.8 S: the customer cancels the custody relationship of a fund account in a currency (11004). Account refuses what
 * it can tell from the relationship (`cancellation-decisions.ts`) and otherwise records the request and hands it to
 * the saga, which has the transfer service close the ledger (zero balance, nothing held, nothing in flight) before
 * the 11004 goes to the bank. The relationship becomes CANCELLED only once the bank accepted and the ledger is
 * cancelled (`RelationshipCancellations`).
 */
@Injectable()
export class CancellationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly calendar: BusinessCalendar,
    private readonly requests: CustodyFunctionRequests,
  ) {}

  /** Returns the request's id; its answer is awaited by the caller (`CustodyFunctionRequests.settledWithin`). */
  async cancel(body: CancellationBody, requestedBy: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, SCOPE, body.requestId, body);
      if (replayOf) return replayOf;
      const account = await manager.findOneBy(FundAccount, { fundAccountNo: body.fundAccountNo });
      if (!account) throw new DomainError('NOT_FOUND', `fund account ${body.fundAccountNo} does not exist`);
      // Locked: a second cancellation (or an 11011 of the bank) of the relationship waits and decides on this one's result.
      const relationship = await manager.findOne(CustodyRelationship, {
        where: { fundAccountNo: body.fundAccountNo, currency: body.currency, status: In(ACTIVE_STATUSES) },
        lock: { mode: 'pessimistic_write' },
      });
      const cancellationPending = relationship
        ? await manager.existsBy(CustodyFunctionRequest, { relationshipId: relationship.id, function: 'CANCEL_DESIGNATION', status: 'PENDING' })
        : false;
      const refusal = cancellationRefusal(body.fundAccountNo, body.currency, { relationship: relationship ?? undefined, cancellationPending });
      if (refusal) throw new DomainError(refusal.code, refusal.detail);
      // The refusal rules let only a PRE_DESIGNATED or DESIGNATED relationship through.
      const cancelled = relationship!;
      const customer = await manager.findOneByOrFail(Customer, { customerNo: account.customerNo });
      const serialNo = await nextSerialNo(manager, 'account.serial_seq', 'account', this.calendar.today());
      const functionId = await this.requests.send(
        manager,
        {
          function: 'CANCEL_DESIGNATION',
          serialNo,
          bankCode: cancelled.bankCode,
          fundAccountNo: body.fundAccountNo,
          currency: body.currency,
          // Profile §4.1: an 11004 of a pre-designated relationship has no bank account.
          ...(cancelled.bankAccountNo ? { bankAccountNo: cancelled.bankAccountNo } : {}),
          // The 11004's Cust: the broker's record of its customer, the ID number still sealed.
          customer: { name: customer.name, type: customer.type, idType: customer.idType, idNumber: { sealed: customer.idNumberSealed } },
        },
        { relationshipId: cancelled.id, requestedBy },
      );
      await this.idempotency.complete(manager, SCOPE, body.requestId, functionId);
      return functionId;
    });
  }
}
