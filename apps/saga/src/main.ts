import 'reflect-metadata';
import {
  bankCallCompleted,
  bankCallRequested,
  bankDayChanged,
  bankStatusReported,
  businessDateSwitched,
  designationRequested,
  designationResolved,
  transferOutcome,
  transferRequested,
} from '@custody/contracts';
import { on, runDatabaseService } from '@custody/service-kit';
import { SAGA_SCHEMA } from './saga.schema';
import { BankStatusService } from './banks/bank-status';
import { SagaEngine } from './engine/saga-engine';
import { DayCycleStarter } from './day/day-cycle.starter';
import { TimerPoller } from './engine/timer-poller';
import { sagaRetention } from './saga-retention';
import { SagaModule } from './saga.module';

/** saga: coordinates every flow that keeps the ledger and a bank in step (architecture.md "Saga coordinator"). */
void runDatabaseService({
  name: 'saga',
  ...SAGA_SCHEMA,
  defaultPort: 7103,
  produces: [bankCallRequested, transferOutcome, designationResolved, bankDayChanged, businessDateSwitched],
  module: (ctx) => SagaModule.register(ctx),
  subscriptions: (app) => {
    const engine = app.get(SagaEngine);
    const banks = app.get(BankStatusService);
    return [
      on(transferRequested, (event, manager) => engine.startTransfer(manager, event.payload)),
      on(designationRequested, (event, manager) => engine.startDesignation(manager, event.payload)),
      on(bankCallCompleted, (event, manager) => engine.onCallCompleted(manager, event.payload)),
      on(bankStatusReported, (event, manager) => banks.record(manager, event.payload)),
    ];
  },
  // The day cycle resumes before timers fire: a fresh database gets its business date first.
  workers: (app) => [app.get(DayCycleStarter), app.get(TimerPoller)],
  retention: sagaRetention,
});
