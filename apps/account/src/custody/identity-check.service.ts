import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BusinessCalendar, DomainError, IdempotencyStore, nextSerialNo } from '@custody/service-kit';
import { Customer } from '../customers/customer.entity';
import { FundAccount } from '../fund-accounts/fund-account.entity';
import { CustodyRelationship } from './custody-relationship.entity';
import { CustodyFunctionRequests } from './custody-function-requests';
import type { IdentityCheckBody } from './custody-function.dto';

const SCOPE = 'identity-check';

/**
 * F-3.11 S: the broker asks the bank whether the customer it records — name, ID type and number (`Cust`, JR/T 0046
 * §5.11.4 d) — is the holder of the bank settlement account linked to the fund account (11007). The bank compares;
 * nothing changes on either side. Only a DESIGNATED relationship has a bank account to compare with. No password:
 * the customer need not be present (profile §4.1 asks one only where they are, and api.md takes none here).
 */
@Injectable()
export class IdentityCheckService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly calendar: BusinessCalendar,
    private readonly requests: CustodyFunctionRequests,
  ) {}

  /** Returns the request's id; its answer is awaited by the caller (`CustodyFunctionRequests.settledWithin`). */
  async ask(body: IdentityCheckBody, requestedBy: string): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, SCOPE, body.requestId, body);
      if (replayOf) return replayOf;
      const account = await manager.findOneBy(FundAccount, { fundAccountNo: body.fundAccountNo });
      if (!account) throw new DomainError('NOT_FOUND', `fund account ${body.fundAccountNo} does not exist`);
      const relationship = await manager.findOneBy(CustodyRelationship, { fundAccountNo: body.fundAccountNo, currency: body.currency, status: 'DESIGNATED' });
      if (!relationship?.bankAccountNo) {
        throw new DomainError('RELATIONSHIP_NOT_ACTIVE', `fund account ${body.fundAccountNo} has no designated bank account in ${body.currency} whose holder the bank could compare`);
      }
      const customer = await manager.findOneByOrFail(Customer, { customerNo: account.customerNo });
      const serialNo = await nextSerialNo(manager, 'account.serial_seq', 'account', this.calendar.today());
      const functionId = await this.requests.send(
        manager,
        {
          function: 'IDENTITY_CHECK',
          serialNo,
          bankCode: relationship.bankCode,
          fundAccountNo: body.fundAccountNo,
          currency: body.currency,
          bankAccountNo: relationship.bankAccountNo,
          // The ID number stays sealed as it is at rest; only the bank adapter opens it, to write `Cust/CertId`.
          customer: { name: customer.name, type: customer.type, idType: customer.idType, idNumber: { sealed: customer.idNumberSealed } },
        },
        { relationshipId: relationship.id, requestedBy },
      );
      await this.idempotency.complete(manager, SCOPE, body.requestId, functionId);
      return functionId;
    });
  }
}
