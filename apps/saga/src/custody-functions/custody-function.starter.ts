import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CustodyFunctionRequest } from '@custody/contracts';
import { BankAccountChangeSaga } from './bank-account-change.saga';
import { BankBalanceQuerySaga } from './bank-balance-query.saga';
import { CustodyCancellationSaga } from './custody-cancellation.saga';
import { CustomerDataChangeSaga } from './customer-data-change.saga';
import { IdentityCheckSaga } from './identity-check.saga';
import { StatusChangeSaga } from './status-change.saga';
import { CustodianBankChangeSaga } from './custodian-bank-change.saga';

/** Starts the flow of a broker-started account function (`custody.function-requested`), one saga kind per function. */
@Injectable()
export class CustodyFunctionStarter {
  constructor(
    private readonly bankBalanceQueries: BankBalanceQuerySaga,
    private readonly cancellations: CustodyCancellationSaga,
    private readonly bankAccountChanges: BankAccountChangeSaga,
    private readonly customerDataChanges: CustomerDataChangeSaga,
    private readonly identityChecks: IdentityCheckSaga,
    private readonly statusChanges: StatusChangeSaga,
    private readonly bankChanges: CustodianBankChangeSaga,
  ) {}

  async start(manager: EntityManager, request: CustodyFunctionRequest): Promise<void> {
    switch (request.function) {
      case 'QUERY_BANK_BALANCE':
        return this.bankBalanceQueries.start(manager, request);
      case 'CANCEL_DESIGNATION':
        return this.cancellations.start(manager, request);
      case 'CHANGE_BANK_ACCOUNT':
        return this.bankAccountChanges.start(manager, request);
      case 'CHANGE_CUSTOMER':
        return this.customerDataChanges.start(manager, request);
      case 'IDENTITY_CHECK':
        return this.identityChecks.start(manager, request);
      case 'CHANGE_ACCOUNT_STATUS':
        return this.statusChanges.start(manager, request);
      case 'CHANGE_CUSTODIAN_BANK':
        return this.bankChanges.start(manager, request);
    }
  }
}
