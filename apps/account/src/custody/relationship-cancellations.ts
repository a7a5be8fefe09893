import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CustodyFunctionResolution } from '@custody/contracts';
import { Money } from '@custody/money';
import { AccountFunctionRepository } from './account-function.repository';
import type { CustodyFunctionAnswer, CustodyFunctionRequest } from './custody-function-request.entity';
import { CustodyRelationship } from './custody-relationship.entity';
import { relationshipAnswer } from './relationship-answer';

/**
 * F-3.8 S took effect: the bank closed the custody account (11004 answered 0000) and the ledger is cancelled. The
 * relationship becomes CANCELLED and the day's 11004 is recorded for CHK02 (存管状态 2) and CHK03 (金额: the `ScBal`
 * it carried, 0 for a cancellation), in the transaction that records the request's answer.
 */
@Injectable()
export class RelationshipCancellations {
  constructor(private readonly functions: AccountFunctionRepository) {}

  /** The relationship as the caller is answered (and a repeat of its request is answered again). */
  async cancelled(manager: EntityManager, request: CustodyFunctionRequest, verdict: CustodyFunctionResolution): Promise<CustodyFunctionAnswer> {
    const relationship = await manager.findOneOrFail(CustodyRelationship, { where: { id: request.relationshipId }, lock: { mode: 'pessimistic_write' } });
    relationship.status = 'CANCELLED';
    await manager.save(relationship);
    await this.functions.record(manager, {
      relationshipId: relationship.id,
      bankCode: relationship.bankCode,
      businessDate: verdict.businessDate,
      functionCode: '11004',
      initiator: 'S',
      requestedBy: request.requestedBy,
      brokerSerialNo: request.serialNo,
      bankSerialNo: verdict.bankSerialNo ?? null,
      custodyAccountNo: relationship.custodyAccountNo,
      bankAccountNo: relationship.bankAccountNo,
      amount: Money.zero(),
      statusAfter: 'CANCELLED',
    });
    return relationshipAnswer(relationship);
  }
}
