import { adjustmentChanged, bankFilesReceived, brokerFilesRequested, manualCaseRaised, summaryChecked } from '@custody/contracts';
import { on, type Subscription } from '@custody/service-kit';
import type { BankFilesService } from './bank-files/bank-files.service';
import type { AdjustmentProjection } from './breaks/adjustment-projection';
import type { OperatorCasesService } from './breaks/operator-cases.service';
import type { SummaryChecks } from './breaks/summary-checks';
import type { BrokerFilesService } from './broker-files/broker-files.service';

/** What the reconciliation service consumes and which service method applies each (thin edges). */
export function reconciliationSubscriptions(services: {
  brokerFiles: BrokerFilesService;
  bankFiles: BankFilesService;
  summaryChecks: SummaryChecks;
  adjustments: AdjustmentProjection;
  operatorCases: OperatorCasesService;
}): Subscription[] {
  const { brokerFiles, bankFiles, summaryChecks, adjustments, operatorCases } = services;
  return [
    on(brokerFilesRequested, (event, manager) => brokerFiles.requested(manager, event.payload)),
    on(bankFilesReceived, (event, manager) => bankFiles.received(manager, event.payload)),
    on(summaryChecked, (event, manager) => summaryChecks.checked(manager, event.payload)),
    on(adjustmentChanged, (event, manager) => adjustments.changed(manager, event.payload)),
    on(manualCaseRaised, (event, manager) => operatorCases.raised(manager, event.payload)),
  ];
}
