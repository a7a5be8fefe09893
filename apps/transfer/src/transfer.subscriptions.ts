import {
  adjustmentProposed,
  bankDayChanged,
  bankRequestReceived,
  customerRenamed,
  custodyFunctionResolved,
  designationConfirmed,
  designationOpenedAtBank,
  designationResolved,
  dormancyCheckRequested,
  fundAccountOpened,
  ledgerClosingRequested,
  ledgerReopeningRequested,
  primaryChangeRequested,
  relationshipBankAccountChanged,
  relationshipCancellationAccepted,
  relationshipMarkedDormant,
  relationshipStatusChanged,
  transferOutcome,
} from '@custody/contracts';
import { on, type Subscription } from '@custody/service-kit';
import type { AdjustmentService } from './adjustments/adjustment.service';
import type { LedgerClosingService } from './closings/ledger-closing.service';
import type { BankDayProjection } from './day/bank-day.projection';
import type { LedgerDormancyService } from './dormancy/ledger-dormancy.service';
import type { BankCancellationService } from './inbound/bank-cancellation.service';
import type { BankInitiatedTransferService } from './inbound/bank-initiated-transfer.service';
import type { CustodyProjection } from './projections/custody-projection';
import type { PrimaryChangeService } from './roles/primary-change.service';
import type { TransferService } from './transfers/transfer.service';

/** What the transfer service consumes and which service method applies each (thin edges). */
export function transferSubscriptions(services: {
  projection: CustodyProjection;
  transfers: TransferService;
  inbound: BankInitiatedTransferService;
  bankDays: BankDayProjection;
  adjustments: AdjustmentService;
  primaryChanges: PrimaryChangeService;
  dormancy: LedgerDormancyService;
  closings: LedgerClosingService;
  cancellations: BankCancellationService;
}): Subscription[] {
  const { projection, transfers, inbound, bankDays, adjustments, primaryChanges, dormancy, closings, cancellations } = services;
  return [
    on(fundAccountOpened, (event, manager) => projection.fundAccountOpened(manager, event.payload)),
    on(customerRenamed, (event, manager) => projection.customerRenamed(manager, event.payload)),
    on(designationResolved, (event, manager) => projection.designationResolved(manager, event.payload)),
    on(custodyFunctionResolved, (event, manager) => projection.custodyFunctionResolved(manager, event.payload)),
    on(ledgerClosingRequested, (event, manager) => closings.close(manager, event.payload)),
    on(ledgerReopeningRequested, (event, manager) => closings.reopen(manager, event.payload)),
    on(primaryChangeRequested, (event, manager) => primaryChanges.decide(manager, event.payload)),
    on(designationConfirmed, (event, manager) => projection.designationConfirmed(manager, event.payload)),
    on(designationOpenedAtBank, (event, manager) => projection.designationOpenedAtBank(manager, event.payload)),
    on(relationshipStatusChanged, (event, manager) => projection.relationshipStatusChanged(manager, event.payload)),
    on(relationshipBankAccountChanged, (event, manager) => projection.relationshipBankAccountChanged(manager, event.payload)),
    on(relationshipCancellationAccepted, (event, manager) => cancellations.decide(manager, event.payload)),
    on(transferOutcome, (event, manager) => transfers.applyOutcome(manager, event.payload)),
    on(bankRequestReceived, (event, manager) => inbound.handle(manager, event.payload)),
    on(bankDayChanged, (event, manager) => bankDays.apply(manager, event.payload)),
    on(adjustmentProposed, (event, manager) => adjustments.propose(manager, event.payload)),
    on(dormancyCheckRequested, (event, manager) => dormancy.reportActivity(manager, event.payload)),
    on(relationshipMarkedDormant, (event, manager) => dormancy.markDormant(manager, event.payload)),
  ];
}
