import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Clock, HealthController, loggingModule, platformProviders, signingIdentity, type ServiceContext } from '@custody/service-kit';
import { BanksController } from './banks/banks.controller';
import { BankAccountChangeSaga } from './custody-functions/bank-account-change.saga';
import { BankBalanceQuerySaga } from './custody-functions/bank-balance-query.saga';
import { CustodianBankChangeSaga } from './custody-functions/custodian-bank-change.saga';
import { CustodyCancellationSaga } from './custody-functions/custody-cancellation.saga';
import { CustomerDataChangeSaga } from './custody-functions/customer-data-change.saga';
import { CustodyFunctionStarter } from './custody-functions/custody-function.starter';
import { LedgerClosingAnswers } from './custody-functions/ledger-closing-answers';
import { IdentityCheckSaga } from './custody-functions/identity-check.saga';
import { StatusChangeSaga } from './custody-functions/status-change.saga';
import { BankStatusService } from './banks/bank-status';
import { BankDayRepository } from './day/bank-day.repository';
import { DAY_CLOSE_SETTINGS, DayCloseSteps, type DayCloseSettings, DEFAULT_BANK_FILES_WAIT_MS } from './day/day-close-steps';
import { DayCloseRepository } from './day/day-close.repository';
import { DayCloseService } from './day/day-close.service';
import { DAY_CYCLE_SETTINGS, DayCycleService, type DayCycleSettings } from './day/day-cycle.service';
import { DayCycleStarter } from './day/day-cycle.starter';
import { DayOperations } from './day/day-operations.service';
import { DayPhaseMetrics } from './day/day-phase-metrics';
import { DayController } from './day/day.controller';
import { DaySaga } from './day/day.saga';
import { DesignationSaga } from './designation/designation.saga';
import { HttpLedgerClient, LedgerClient } from './designation/ledger-client';
import { BankCallIssuer } from './engine/bank-call.issuer';
import { SAGA_FLOWS, type SagaFlow } from './engine/saga-flow';
import { SagaEngine } from './engine/saga-engine';
import { SagaStore } from './engine/saga-store';
import { TimerPoller } from './engine/timer-poller';
import { TransferSaga } from './transfer/transfer.saga';

@Module({})
export class SagaModule {
  static register(ctx: ServiceContext): DynamicModule {
    const transferUrl = process.env.TRANSFER_URL ?? 'http://127.0.0.1:7102';
    const identity = signingIdentity(ctx.auth, ctx.name);
    return {
      module: SagaModule,
      imports: [loggingModule(ctx.name), TerminusModule],
      controllers: [HealthController, BanksController, DayController],
      providers: [
        ...platformProviders(ctx),
        { provide: LedgerClient, useFactory: (clock: Clock) => HttpLedgerClient.signedAs(identity, transferUrl, clock), inject: [Clock] },
        SagaStore,
        BankCallIssuer,
        BankDayRepository,
        { provide: DAY_CYCLE_SETTINGS, useValue: dayCycleSettingsFrom(process.env) },
        { provide: DAY_CLOSE_SETTINGS, useValue: dayCloseSettingsFrom(process.env) },
        DayCloseRepository,
        DayCloseSteps,
        DayCycleService,
        DayCloseService,
        DayOperations,
        DayCycleStarter,
        BankStatusService,
        DayPhaseMetrics,
        TransferSaga,
        DesignationSaga,
        BankBalanceQuerySaga,
        CustodyCancellationSaga,
        CustodianBankChangeSaga,
        BankAccountChangeSaga,
        CustomerDataChangeSaga,
        IdentityCheckSaga,
        StatusChangeSaga,
        CustodyFunctionStarter,
        LedgerClosingAnswers,
        DaySaga,
        {
          provide: SAGA_FLOWS,
          useFactory: (...flows: SagaFlow[]) => flows,
          inject: [TransferSaga, DesignationSaga, BankBalanceQuerySaga, BankAccountChangeSaga, CustomerDataChangeSaga, IdentityCheckSaga, StatusChangeSaga, CustodyCancellationSaga, CustodianBankChangeSaga, DaySaga],
        },
        SagaEngine,
        TimerPoller,
      ],
    };
  }
}

function dayCycleSettingsFrom(env: NodeJS.ProcessEnv): DayCycleSettings {
  const first = env.CUSTODY_FIRST_BUSINESS_DATE;
  if (first === undefined || first === '') return {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(first) || new Date(`${first}T00:00:00Z`).toISOString().slice(0, 10) !== first) {
    throw new Error(`CUSTODY_FIRST_BUSINESS_DATE must be a date (YYYY-MM-DD), got "${first}"`);
  }
  return { firstBusinessDate: first };
}

function dayCloseSettingsFrom(env: NodeJS.ProcessEnv): DayCloseSettings {
  const wait = env.CUSTODY_BANK_FILES_WAIT_MS;
  if (wait === undefined || wait === '') return { bankFilesWaitMs: DEFAULT_BANK_FILES_WAIT_MS };
  if (!/^\d+$/.test(wait) || Number(wait) < 1) throw new Error(`CUSTODY_BANK_FILES_WAIT_MS must be a positive number of milliseconds, got "${wait}"`);
  return { bankFilesWaitMs: Number(wait) };
}
