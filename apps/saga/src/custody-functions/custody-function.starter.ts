import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CustodyFunctionRequest } from '@custody/contracts';
import { BankBalanceQuerySaga } from './bank-balance-query.saga';
import { IdentityCheckSaga } from './identity-check.saga';
import { StatusChangeSaga } from './status-change.saga';

/** Starts the flow of a broker-started account function (`custody.function-requested`), one saga kind per function. */
@Injectable()
export class CustodyFunctionStarter {
  constructor(
    private readonly bankBalanceQueries: BankBalanceQuerySaga,
    private readonly identityChecks: IdentityCheckSaga,
    private readonly statusChanges: StatusChangeSaga,
  ) {}

  async start(manager: EntityManager, request: CustodyFunctionRequest): Promise<void> {
    switch (request.function) {
      case 'QUERY_BANK_BALANCE':
        return this.bankBalanceQueries.start(manager, request);
      case 'IDENTITY_CHECK':
        return this.identityChecks.start(manager, request);
      case 'CHANGE_ACCOUNT_STATUS':
        return this.statusChanges.start(manager, request);
    }
  }
}
