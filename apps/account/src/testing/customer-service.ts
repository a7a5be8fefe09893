import type { DataSource } from 'typeorm';
import type { Outbox } from '@custody/messaging';
import { ChinaCalendarDate, type SecretSealer, SettledNotifications } from '@custody/service-kit';
import { AccountFunctionRepository } from '../custody/account-function.repository';
import { BrokerStatusChangeRecorder } from '../custody/broker-status-change.recorder';
import { CustodyFunctionRequests } from '../custody/custody-function-requests';
import { RelationshipCancellations } from '../custody/relationship-cancellations';
import { CustomerDataPropagation } from '../customers/customer-data-propagation';
import { CustomerDataPropagations } from '../customers/customer-data-propagations';
import { CustomerService } from '../customers/customer.service';

/** The customer service as the module wires it, changes of a customer going to the banks (F-3.5 S), for int-specs. */
export function customerServiceFor(dataSource: DataSource, sealer: SecretSealer, outbox: Outbox): { customers: CustomerService; propagation: CustomerDataPropagation; requests: CustodyFunctionRequests } {
  const functions = new AccountFunctionRepository();
  const requests = new CustodyFunctionRequests(dataSource, new SettledNotifications('designation_settled'), new RelationshipCancellations(functions), new BrokerStatusChangeRecorder(functions), outbox, new ChinaCalendarDate());
  const propagation = new CustomerDataPropagation(new ChinaCalendarDate(), requests, new CustomerDataPropagations(), functions);
  return { customers: new CustomerService(dataSource, sealer, outbox, propagation), propagation, requests };
}
