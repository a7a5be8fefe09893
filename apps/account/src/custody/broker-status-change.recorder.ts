import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CustodyFunctionResolution } from '@custody/contracts';
import { Money } from '@custody/money';
import { AccountFunctionRepository } from './account-function.repository';
import type { CustodyFunctionRequest } from './custody-function-request.entity';
import { CustodyRelationship } from './custody-relationship.entity';

/**
 * 11011 S once the bank took it and the ledger followed (`custody.function-applied`): every currency's designated
 * relationship of the fund account at the bank takes the status, and the day's 11011 (S) is recorded once, on the
 * relationship the request named, with 金额 0 (bank-protocol.md §5: CHK03 lists it, CHK02 does not — the custody
 * state stays as it is). In the transaction that records the request's answer.
 */
@Injectable()
export class BrokerStatusChangeRecorder {
  constructor(private readonly functions: AccountFunctionRepository) {}

  async record(manager: EntityManager, request: CustodyFunctionRequest, verdict: CustodyFunctionResolution): Promise<void> {
    const accountStatus = verdict.accountStatus;
    if (!accountStatus) throw new Error(`status change ${request.id} succeeded without the status the bank took`);
    const relationships = await manager.find(CustodyRelationship, {
      where: { fundAccountNo: request.fundAccountNo, bankCode: request.bankCode, status: 'DESIGNATED' },
      lock: { mode: 'pessimistic_write' },
    });
    for (const relationship of relationships) {
      relationship.accountStatus = accountStatus;
      await manager.save(relationship);
    }
    const named = await manager.findOneByOrFail(CustodyRelationship, { id: request.relationshipId });
    await this.functions.record(manager, {
      relationshipId: named.id,
      bankCode: request.bankCode,
      businessDate: verdict.businessDate,
      functionCode: '11011',
      initiator: 'S',
      requestedBy: request.requestedBy,
      brokerSerialNo: request.serialNo,
      bankSerialNo: verdict.bankSerialNo ?? null,
      custodyAccountNo: named.custodyAccountNo,
      bankAccountNo: named.bankAccountNo,
      amount: Money.zero(),
      // The custody state a status change leaves as it is: designated, unless the bank cancelled the relationship
      // while the 11011 was on its way (then its last state is that).
      statusAfter: named.status === 'CANCELLED' ? 'CANCELLED' : 'DESIGNATED',
    });
  }
}
