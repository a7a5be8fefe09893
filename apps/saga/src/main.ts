import 'reflect-metadata';
import {
  adjustmentChanged,
  bankCallCompleted,
  bankCallRequestedFor,
  bankDayChanged,
  bankFilesReceived,
  bankFileStepCompleted,
  bankFileStepRequested,
  bankStatusReported,
  breaksChanged,
  brokerFilesReady,
  brokerFilesRequested,
  businessDateSwitched,
  summaryChecked,
  custodyFunctionRequested,
  custodyFunctionResolved,
  designationRequested,
  designationResolved,
  ledgerClosingDecided,
  ledgerClosingRequested,
  ledgerReopened,
  ledgerReopeningRequested,
  transferOutcome,
  transferRequested,
} from '@custody/contracts';
import { on, runDatabaseService } from '@custody/service-kit';
import { SAGA_SCHEMA } from './saga.schema';
import { BankStatusService } from './banks/bank-status';
import { SagaEngine } from './engine/saga-engine';
import { DayCloseService } from './day/day-close.service';
import { DayCycleStarter } from './day/day-cycle.starter';
import { CustodyFunctionStarter } from './custody-functions/custody-function.starter';
import { LedgerClosingAnswers } from './custody-functions/ledger-closing-answers';
import { DesignationSaga } from './designation/designation.saga';
import { TimerPoller } from './engine/timer-poller';
import { sagaRetention } from './saga-retention';
import { SagaModule } from './saga.module';
import { TransferSaga } from './transfer/transfer.saga';

/** saga: coordinates every flow that keeps the ledger and a bank in step (architecture.md "Saga coordinator"). */
void runDatabaseService({
  name: 'saga',
  ...SAGA_SCHEMA,
  defaultPort: 7103,
  produces: [transferOutcome, designationResolved, custodyFunctionResolved, ledgerClosingRequested, ledgerReopeningRequested, bankDayChanged, businessDateSwitched, brokerFilesRequested, summaryChecked, bankFileStepRequested],
  // Each bank's calls go to its own topic, which only that bank's adapter reads.
  producesPerBank: (bankCode) => [bankCallRequestedFor(bankCode)],
  module: (ctx) => SagaModule.register(ctx),
  // The transfers' own traffic, fetched apart from the 10 other topics (issue 9).
  lanes: [{ name: 'transfers', topics: [transferRequested, bankCallCompleted] }],
  subscriptions: (app) => {
    const engine = app.get(SagaEngine);
    const transfers = app.get(TransferSaga);
    const designations = app.get(DesignationSaga);
    const custodyFunctions = app.get(CustodyFunctionStarter);
    const ledgerClosings = app.get(LedgerClosingAnswers);
    const banks = app.get(BankStatusService);
    const dayClose = app.get(DayCloseService);
    return [
      on(transferRequested, (event, manager) => transfers.start(manager, event.payload)),
      on(designationRequested, (event, manager) => designations.start(manager, event.payload)),
      on(custodyFunctionRequested, (event, manager) => custodyFunctions.start(manager, event.payload)),
      on(ledgerClosingDecided, (event, manager) => ledgerClosings.decided(manager, event.payload)),
      on(ledgerReopened, (event, manager) => ledgerClosings.reopened(manager, event.payload)),
      on(bankCallCompleted, (event, manager) => engine.onCallCompleted(manager, event.payload)),
      on(bankStatusReported, (event, manager) => banks.record(manager, event.payload)),
      on(brokerFilesReady, (event, manager) => dayClose.onBrokerFilesReady(manager, event.payload)),
      on(bankFileStepCompleted, (event, manager) => dayClose.onFileStepCompleted(manager, event.payload)),
      on(bankFilesReceived, (event, manager) => dayClose.onBankFilesReceived(manager, event.payload)),
      on(breaksChanged, (event, manager) => dayClose.onBreaksChanged(manager, event.payload)),
      on(adjustmentChanged, (event, manager) => transfers.onAdjustmentChanged(manager, event.payload)),
    ];
  },
  // The day cycle resumes before timers fire: a fresh database gets its business date first.
  workers: (app) => [app.get(DayCycleStarter), app.get(TimerPoller)],
  retention: sagaRetention,
});
