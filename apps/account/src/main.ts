import 'reflect-metadata';
import {
  bankAccountRequestReceived,
  bankDayChanged,
  bankReplyReadyFor,
  customerRenamed,
  custodyFunctionApplied,
  custodyFunctionRequested,
  designationApplied,
  designationConfirmed,
  designationOpenedAtBank,
  designationRequested,
  dormancyCheckRequested,
  fundAccountOpened,
  ledgerActivityReported,
  openingBalanceGiven,
  primaryChangeRequested,
  primaryChangeResolved,
  relationshipBankAccountChanged,
  relationshipMarkedDormant,
  relationshipCancellationAccepted,
  relationshipLedgerClosed,
  relationshipStatusChanged,
} from '@custody/contracts';
import { on, runDatabaseService, SettledNotifications } from '@custody/service-kit';
import { ACCOUNT_SCHEMA } from './account.schema';
import { AccountModule } from './account.module';
import { BankAccountChangeService } from './custody/bank-account-change.service';
import { BankDesignationService } from './custody/bank-designation.service';
import { ConversionWorker } from './conversion/conversion.worker';
import { DormantMarkingService } from './conversion/dormant-marking.service';
import { BankCancellationService } from './custody/bank-cancellation.service';
import { ConfirmationService } from './custody/confirmation.service';
import { CustomerDataChangeService } from './custody/customer-data-change.service';
import { BankDays } from './day/bank-days';
import { CustodyFunctionOutcomes } from './custody/custody-function-outcomes';
import { DesignationService } from './custody/designation.service';
import { BankIdentityCheckService } from './custody/bank-identity-check.service';
import { StatusChangeService } from './custody/status-change.service';
import { fundPasswordVerificationRetention } from './customers/fund-password-verification.retention';
import { PrimaryChangeService } from './fund-accounts/primary-change.service';

/** account: customers, fund accounts and custody relationships (domain.md §3, §13). */
void runDatabaseService({
  name: 'account',
  ...ACCOUNT_SCHEMA,
  defaultPort: 7101,
  produces: [
    fundAccountOpened,
    designationRequested,
    custodyFunctionRequested,
    customerRenamed,
    primaryChangeRequested,
    designationConfirmed,
    designationOpenedAtBank,
    relationshipStatusChanged,
    relationshipBankAccountChanged,
    relationshipCancellationAccepted,
    dormancyCheckRequested,
    relationshipMarkedDormant,
  ],
  // Its answers to a bank's requests go to that bank's own topic, which only that bank's adapter reads.
  producesPerBank: (bankCode) => [bankReplyReadyFor(bankCode)],
  module: (ctx) => AccountModule.register(ctx),
  workers: (app) => [app.get(SettledNotifications), app.get(ConversionWorker)],
  retention: (settings) => [fundPasswordVerificationRetention(settings)],
  subscriptions: (app) => {
    const designations = app.get(DesignationService);
    const primaryChanges = app.get(PrimaryChangeService);
    const confirmations = app.get(ConfirmationService);
    const statusChanges = app.get(StatusChangeService);
    const bankDesignations = app.get(BankDesignationService);
    const bankAccountChanges = app.get(BankAccountChangeService);
    const customerDataChanges = app.get(CustomerDataChangeService);
    const bankIdentityChecks = app.get(BankIdentityCheckService);
    const cancellations = app.get(BankCancellationService);
    const bankDays = app.get(BankDays);
    const functions = app.get(CustodyFunctionOutcomes);
    const dormantMarkings = app.get(DormantMarkingService);
    return [
      on(bankDayChanged, (event, manager) => bankDays.apply(manager, event.payload)),
      on(designationApplied, (event, manager) => designations.resolve(manager, event.payload)),
      on(custodyFunctionApplied, (event, manager) => functions.apply(manager, event.payload)),
      on(primaryChangeResolved, (event, manager) => primaryChanges.resolve(manager, event.payload)),
      on(ledgerActivityReported, (event, manager) => dormantMarkings.applyReport(manager, event.payload)),
      on(relationshipLedgerClosed, (event, manager) => cancellations.ledgerClosed(manager, event.payload)),
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
          case 'CHANGE_BANK_ACCOUNT':
            return bankAccountChanges.handle(manager, request);
          case 'CHANGE_CUSTOMER':
            return customerDataChanges.handle(manager, request);
          case 'CHECK_IDENTITY':
            return bankIdentityChecks.handle(manager, request);
          case 'CANCEL_DESIGNATION':
            return cancellations.handle(manager, request);
        }
      }),
      on(openingBalanceGiven, (event, manager) => bankDesignations.recordOpeningBalance(manager, event.payload)),
    ];
  },
});
