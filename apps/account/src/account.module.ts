import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PinVerifierPrivateKey } from '@custody/bank-protocol';
import { HealthController, loggingModule, platformProviders, readFundPinPrivateKey, SettledNotifications, type ServiceContext } from '@custody/service-kit';
import { AccountCleanupRepository } from './conversion/account-cleanup.repository';
import { AccountCleanupService } from './conversion/account-cleanup.service';
import { ConversionBatchRepository } from './conversion/conversion-batch.repository';
import { ConversionBatchService } from './conversion/conversion-batch.service';
import { ConversionController } from './conversion/conversion.controller';
import { ConversionWorker } from './conversion/conversion.worker';
import { DormantMarkingRepository } from './conversion/dormant-marking.repository';
import { DormantMarkingService } from './conversion/dormant-marking.service';
import { AccountFunctionRepository } from './custody/account-function.repository';
import { BankAccountChangeService } from './custody/bank-account-change.service';
import { BankCancellationService } from './custody/bank-cancellation.service';
import { BankDesignationService } from './custody/bank-designation.service';
import { BankRequestAnswers } from './custody/bank-request-answers';
import { ConfirmationService } from './custody/confirmation.service';
import { CustomerDataChangeService } from './custody/customer-data-change.service';
import { BankDays } from './day/bank-days';
import { CustodyController } from './custody/custody.controller';
import { BankAccountChangeRequests } from './custody/bank-account-change-request.service';
import { CustodianBankChanges } from './custody/custodian-bank-change.service';
import { BankBalanceQueryService } from './custody/bank-balance-query.service';
import { CancellationService } from './custody/cancellation.service';
import { CustodyFunctionOutcomes } from './custody/custody-function-outcomes';
import { CustomerDataPropagation } from './customers/customer-data-propagation';
import { CustomerDataPropagations } from './customers/customer-data-propagations';
import { BrokerStatusChangeRecorder } from './custody/broker-status-change.recorder';
import { BrokerStatusChangeService } from './custody/broker-status-change.service';
import { CustodyFunctionRequests } from './custody/custody-function-requests';
import { RelationshipCancellations } from './custody/relationship-cancellations';
import { CustodyRelationshipRepository } from './custody/custody-relationship.repository';
import { DesignationService } from './custody/designation.service';
import { BankIdentityCheckService } from './custody/bank-identity-check.service';
import { IdentityCheckService } from './custody/identity-check.service';
import { StatusChangeService } from './custody/status-change.service';
import { CustomersController } from './customers/customers.controller';
import { CustomerService } from './customers/customer.service';
import { FundPasswordVerificationsController } from './customers/fund-password-verifications.controller';
import { FundPasswordService } from './customers/fund-password.service';
import { AccountDayFileRepository } from './day-files/account-day-file.repository';
import { AccountDayFileService } from './day-files/account-day-file.service';
import { AccountDayFilesController } from './day-files/account-day-files.controller';
import { FundAccountsController } from './fund-accounts/fund-accounts.controller';
import { FundAccountService } from './fund-accounts/fund-account.service';
import { PrimaryChangeService } from './fund-accounts/primary-change.service';
import { PrimaryChangesController } from './fund-accounts/primary-changes.controller';

@Module({})
export class AccountModule {
  static register(ctx: ServiceContext): DynamicModule {
    return {
      module: AccountModule,
      imports: [loggingModule(ctx.name), TerminusModule],
      controllers: [HealthController, CustomersController, FundAccountsController, PrimaryChangesController, CustodyController, FundPasswordVerificationsController, AccountDayFilesController, ConversionController],
      providers: [
        ...platformProviders(ctx),
        // Wakes the callers waiting for a designation, a change of primary or an account function (each keyed by a uuid of its own).
        { provide: SettledNotifications, useValue: new SettledNotifications('designation_settled', { redisUrl: ctx.env.redisUrl, namespace: ctx.namespace }) },
        // Read at start: production refuses to start without a real key (FUND_PIN_PRIVATE_KEY).
        { provide: PinVerifierPrivateKey, useValue: new PinVerifierPrivateKey(readFundPinPrivateKey()) },
        CustomerService, FundPasswordService, FundAccountService, PrimaryChangeService, DesignationService, ConfirmationService, StatusChangeService, BankAccountChangeService, CustomerDataChangeService, BankCancellationService, BankDesignationService,
        AccountFunctionRepository, CustodyRelationshipRepository, BankDays, BankRequestAnswers, CustodyFunctionRequests, BankBalanceQueryService, IdentityCheckService, BankIdentityCheckService, BrokerStatusChangeService, BrokerStatusChangeRecorder,
        RelationshipCancellations, CancellationService,
        BankAccountChangeRequests, CustodianBankChanges, CustomerDataPropagation, CustomerDataPropagations, CustodyFunctionOutcomes,
        AccountDayFileRepository, AccountDayFileService,
        // Customer conversion (domain.md §12).
        AccountCleanupRepository, AccountCleanupService, ConversionBatchRepository, ConversionBatchService, DormantMarkingRepository, DormantMarkingService, ConversionWorker],
    };
  }
}
