import 'reflect-metadata';
import {
  bankAccountRequestReceived,
  bankDayChanged,
  bankReplyReady,
  customerRenamed,
  designationApplied,
  designationConfirmed,
  designationOpenedAtBank,
  designationRequested,
  fundAccountOpened,
  openingBalanceGiven,
  primaryChangeRequested,
  primaryChangeResolved,
  relationshipStatusChanged,
} from '@custody/contracts';
import { on, runDatabaseService, SettledNotifications } from '@custody/service-kit';
import { ACCOUNT_SCHEMA } from './account.schema';
import { AccountModule } from './account.module';
import { BankDesignationService } from './custody/bank-designation.service';
import { ConfirmationService } from './custody/confirmation.service';
import { BankDays } from './day/bank-days';
import { DesignationService } from './custody/designation.service';
import { StatusChangeService } from './custody/status-change.service';
import { fundPasswordVerificationRetention } from './customers/fund-password-verification.retention';
import { PrimaryChangeService } from './fund-accounts/primary-change.service';

/** account: customers, fund accounts and custody relationships (domain.md §3, §13). */
void runDatabaseService({
  name: 'account',
  ...ACCOUNT_SCHEMA,
  defaultPort: 7101,
  produces: [fundAccountOpened, designationRequested, customerRenamed, primaryChangeRequested, designationConfirmed, designationOpenedAtBank, relationshipStatusChanged, bankReplyReady],
  module: (ctx) => AccountModule.register(ctx),
  workers: (app) => [app.get(SettledNotifications)],
  retention: (settings) => [fundPasswordVerificationRetention(settings)],
  subscriptions: (app) => {
    const designations = app.get(DesignationService);
    const primaryChanges = app.get(PrimaryChangeService);
    const confirmations = app.get(ConfirmationService);
    const statusChanges = app.get(StatusChangeService);
    const bankDesignations = app.get(BankDesignationService);
    const bankDays = app.get(BankDays);
    return [
      on(bankDayChanged, (event, manager) => bankDays.apply(manager, event.payload)),
      on(designationApplied, (event, manager) => designations.resolve(manager, event.payload)),
      on(primaryChangeResolved, (event, manager) => primaryChanges.resolve(manager, event.payload)),
      on(bankAccountRequestReceived, (event, manager) => {
        const request = event.payload;
        switch (request.function) {
          case 'CONFIRM_DESIGNATION':
            return confirmations.handle(manager, request);
          case 'DESIGNATE':
          case 'REGISTER_CURRENCY':
            return bankDesignations.handle(manager, request);
          case 'CHANGE_ACCOUNT_STATUS':
            return statusChanges.handle(manager, request);
        }
      }),
      on(openingBalanceGiven, (event, manager) => bankDesignations.recordOpeningBalance(manager, event.payload)),
    ];
  },
});
