import 'reflect-metadata';
import {
  bankAccountRequestReceived,
  bankDayChanged,
  bankReplyReady,
  customerRenamed,
  custodyFunctionApplied,
  custodyFunctionRequested,
  designationApplied,
  designationConfirmed,
  designationRequested,
  fundAccountOpened,
  primaryChangeRequested,
  primaryChangeResolved,
  relationshipStatusChanged,
} from '@custody/contracts';
import { on, runDatabaseService, SettledNotifications } from '@custody/service-kit';
import { ACCOUNT_SCHEMA } from './account.schema';
import { AccountModule } from './account.module';
import { ConfirmationService } from './custody/confirmation.service';
import { BankDays } from './day/bank-days';
import { CustodyFunctionOutcomes } from './custody/custody-function-outcomes';
import { DesignationService } from './custody/designation.service';
import { StatusChangeService } from './custody/status-change.service';
import { fundPasswordVerificationRetention } from './customers/fund-password-verification.retention';
import { PrimaryChangeService } from './fund-accounts/primary-change.service';

/** account: customers, fund accounts and custody relationships (domain.md §3, §13). */
void runDatabaseService({
  name: 'account',
  ...ACCOUNT_SCHEMA,
  defaultPort: 7101,
  produces: [fundAccountOpened, designationRequested, custodyFunctionRequested, customerRenamed, primaryChangeRequested, designationConfirmed, relationshipStatusChanged, bankReplyReady],
  module: (ctx) => AccountModule.register(ctx),
  workers: (app) => [app.get(SettledNotifications)],
  retention: (settings) => [fundPasswordVerificationRetention(settings)],
  subscriptions: (app) => {
    const designations = app.get(DesignationService);
    const primaryChanges = app.get(PrimaryChangeService);
    const confirmations = app.get(ConfirmationService);
    const statusChanges = app.get(StatusChangeService);
    const bankDays = app.get(BankDays);
    const functions = app.get(CustodyFunctionOutcomes);
    return [
      on(bankDayChanged, (event, manager) => bankDays.apply(manager, event.payload)),
      on(designationApplied, (event, manager) => designations.resolve(manager, event.payload)),
      on(custodyFunctionApplied, (event, manager) => functions.apply(manager, event.payload)),
      on(primaryChangeResolved, (event, manager) => primaryChanges.resolve(manager, event.payload)),
      on(bankAccountRequestReceived, (event, manager) =>
        event.payload.function === 'CONFIRM_DESIGNATION' ? confirmations.handle(manager, event.payload) : statusChanges.handle(manager, event.payload),
      ),
    ];
  },
});
