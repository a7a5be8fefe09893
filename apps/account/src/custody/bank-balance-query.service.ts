import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BusinessCalendar, DomainError, IdempotencyStore, nextSerialNo, SecretSealer } from '@custody/service-kit';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { CustodyRelationship } from './custody-relationship.entity';
import { CustodyFunctionRequests } from './custody-function-requests';
import type { BankBalanceQueryBody } from './custody-function.dto';

const SCOPE = 'bank-balance-query';

/**
 * F-3.10 S: the customer, in the broker's channel, asks the balance of the bank settlement account linked to the
 * fund account, with the bank password (11009; profile §4.1 `Type` 0). Only a DESIGNATED relationship has a bank
 * account to ask about. The password is sealed here and opened only by the bank adapter, which builds the PIN block;
 * it is never stored beyond the saga's call.
 */
@Injectable()
export class BankBalanceQueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly sealer: SecretSealer,
    private readonly calendar: BusinessCalendar,
    private readonly requests: CustodyFunctionRequests,
  ) {}

  /** Returns the request's id; its answer is awaited by the caller (`CustodyFunctionRequests.settledWithin`). */
  async ask(body: BankBalanceQueryBody, requestedBy: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, SCOPE, body.requestId, body);
      if (replayOf) return replayOf;
      if (!(await manager.existsBy(FundAccount, { fundAccountNo: body.fundAccountNo }))) {
        throw new DomainError('NOT_FOUND', `fund account ${body.fundAccountNo} does not exist`);
      }
      const relationship = await manager.findOneBy(CustodyRelationship, { fundAccountNo: body.fundAccountNo, currency: body.currency, status: 'DESIGNATED' });
      if (!relationship?.bankAccountNo) {
        throw new DomainError('RELATIONSHIP_NOT_ACTIVE', `fund account ${body.fundAccountNo} has no designated bank account in ${body.currency} to ask about`);
      }
      const serialNo = await nextSerialNo(manager, 'account.serial_seq', 'account', this.calendar.today());
      const functionId = await this.requests.send(
        manager,
        {
          function: 'QUERY_BANK_BALANCE',
          serialNo,
          bankCode: relationship.bankCode,
          fundAccountNo: body.fundAccountNo,
          currency: body.currency,
          bankAccountNo: relationship.bankAccountNo,
          bankPassword: this.sealer.seal(body.bankPassword),
        },
        { relationshipId: relationship.id, requestedBy },
      );
      await this.idempotency.complete(manager, SCOPE, body.requestId, functionId);
      return functionId;
    });
  }
}
