import 'reflect-metadata';
import {
  adjustmentChanged,
  bankReplyReadyFor,
  bankRequestReceived,
  custodyFunctionApplied,
  designationApplied,
  ledgerActivityReported,
  ledgerClosingDecided,
  ledgerReopened,
  manualCaseRaised,
  primaryChangeResolved,
  relationshipLedgerClosed,
  openingBalanceGiven,
  settlementInstructionRecorded,
  transferOutcome,
  transferRequested,
} from '@custody/contracts';
import { runDatabaseService, SettledNotifications } from '@custody/service-kit';
import { TRANSFER_SCHEMA } from './transfer.schema';
import { AdjustmentService } from './adjustments/adjustment.service';
import { LedgerClosingService } from './closings/ledger-closing.service';
import { BankDayProjection } from './day/bank-day.projection';
import { LedgerDormancyService } from './dormancy/ledger-dormancy.service';
import { BankCancellationService } from './inbound/bank-cancellation.service';
import { BankInitiatedTransferService } from './inbound/bank-initiated-transfer.service';
import { CustodyProjection } from './projections/custody-projection';
import { PrimaryChangeService } from './roles/primary-change.service';
import { TransferService } from './transfers/transfer.service';
import { transferGrpcEdge } from './grpc/transfer-grpc';
import { TransferModule } from './transfer.module';
import { transferSubscriptions } from './transfer.subscriptions';

/** transfer: the fund ledger, bank-securities transfers, internal transfers, its day files and the adjustments (domain.md §4, §6, §13). */
void runDatabaseService({
  name: 'transfer',
  ...TRANSFER_SCHEMA,
  defaultPort: 7102,
  produces: [
    transferRequested,
    designationApplied,
    custodyFunctionApplied,
    ledgerClosingDecided,
    ledgerReopened,
    openingBalanceGiven,
    settlementInstructionRecorded,
    adjustmentChanged,
    manualCaseRaised,
    primaryChangeResolved,
    ledgerActivityReported,
    relationshipLedgerClosed,
  ],
  // Its answers to a bank's requests go to that bank's own topic, which only that bank's adapter reads.
  producesPerBank: (bankCode) => [bankReplyReadyFor(bankCode)],
  module: (ctx) => TransferModule.register(ctx),
  // The transfers' own traffic, fetched apart from the 16 other topics (issue 9).
  lanes: [{ name: 'transfers', topics: [transferOutcome, bankRequestReceived] }],
  // gRPC (custody.v1) on GRPC_PORT; stopped after the notifications its waiting calls use, before the HTTP edge.
  workers: (app) => [app.get(SettledNotifications), transferGrpcEdge(app)],
  subscriptions: (app) =>
    transferSubscriptions({
      projection: app.get(CustodyProjection),
      transfers: app.get(TransferService),
      inbound: app.get(BankInitiatedTransferService),
      bankDays: app.get(BankDayProjection),
      adjustments: app.get(AdjustmentService),
      primaryChanges: app.get(PrimaryChangeService),
      dormancy: app.get(LedgerDormancyService),
      closings: app.get(LedgerClosingService),
      cancellations: app.get(BankCancellationService),
    }),
});
