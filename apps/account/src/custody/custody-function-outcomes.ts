import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CustodyFunctionResolution } from '@custody/contracts';
import { CustomerDataPropagation } from '../customers/customer-data-propagation';
import { BankAccountChangeRequests } from './bank-account-change-request.service';
import { CustodianBankChanges } from './custodian-bank-change.service';
import { CustodyFunctionRequests } from './custody-function-requests';

/**
 * `custody.function-applied`: the request takes its first verdict (a redelivered or later one changes nothing), and
 * what the function changes besides is applied in the same transaction, by the function's own service.
 */
@Injectable()
export class CustodyFunctionOutcomes {
  constructor(
    private readonly requests: CustodyFunctionRequests,
    private readonly bankAccountChanges: BankAccountChangeRequests,
    private readonly customerDataChanges: CustomerDataPropagation,
    private readonly bankChanges: CustodianBankChanges,
  ) {}

  async apply(manager: EntityManager, verdict: CustodyFunctionResolution): Promise<void> {
    const request = await this.requests.resolve(manager, verdict);
    if (!request) return;
    switch (request.function) {
      case 'CHANGE_BANK_ACCOUNT':
        return this.bankAccountChanges.applied(manager, request, verdict);
      case 'CHANGE_CUSTOMER':
        return this.customerDataChanges.answered(manager, request, verdict);
      case 'CHANGE_CUSTODIAN_BANK':
        // Succeeded or not, the relationships change once the old bank closed the custody account.
        return this.bankChanges.applied(manager, request, verdict);
      case 'QUERY_BANK_BALANCE':
      case 'IDENTITY_CHECK':
        // A query changes nothing: its answer is all.
        return;
      case 'CHANGE_ACCOUNT_STATUS':
        // Recorded with the request's answer (CustodyFunctionRequests.resolve, BrokerStatusChangeRecorder).
        return;
      case 'CANCEL_DESIGNATION':
        // The relationship is cancelled with the request's answer (CustodyFunctionRequests.resolve, RelationshipCancellations).
        return;
    }
  }
}
