import 'reflect-metadata';
import {
  bankReplyReady,
  bankRequestReceived,
  designationApplied,
  designationResolved,
  fundAccountOpened,
  settlementInstructionRecorded,
  transferOutcome,
  transferRequested,
} from '@custody/contracts';
import { on, runDatabaseService, SettledNotifications } from '@custody/service-kit';
import { TRANSFER_SCHEMA } from './transfer.schema';
import { BankInitiatedTransferService } from './inbound/bank-initiated-transfer.service';
import { CustodyProjection } from './projections/custody-projection';
import { TransferService } from './transfers/transfer.service';
import { TransferModule } from './transfer.module';

/** transfer: the fund ledger, bank-securities transfers and internal transfers (domain.md §4, §13). */
void runDatabaseService({
  name: 'transfer',
  ...TRANSFER_SCHEMA,
  defaultPort: 7102,
  produces: [transferRequested, bankReplyReady, designationApplied, settlementInstructionRecorded],
  module: (ctx) => TransferModule.register(ctx),
  workers: (app) => [app.get(SettledNotifications)],
  subscriptions: (app) => {
    const projection = app.get(CustodyProjection);
    const transfers = app.get(TransferService);
    const inbound = app.get(BankInitiatedTransferService);
    return [
      on(fundAccountOpened, (event, manager) => projection.fundAccountOpened(manager, event.payload)),
      on(designationResolved, (event, manager) => projection.designationResolved(manager, event.payload)),
      on(transferOutcome, (event, manager) => transfers.applyOutcome(manager, event.payload)),
      on(bankRequestReceived, (event, manager) => inbound.handle(manager, event.payload)),
    ];
  },
});
