import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController, issueToken, loggingModule, platformProviders, type ServiceContext } from '@custody/service-kit';
import { BanksController } from './banks/banks.controller';
import { BankStatusService } from './banks/bank-status';
import { HttpLedgerClient, LedgerClient } from './designation/ledger-client';
import { SagaEngine } from './engine/saga-engine';
import { SagaStore } from './engine/saga-store';
import { TimerPoller } from './engine/timer-poller';

@Module({})
export class SagaModule {
  static register(ctx: ServiceContext): DynamicModule {
    const transferUrl = process.env.TRANSFER_URL ?? 'http://127.0.0.1:7102';
    return {
      module: SagaModule,
      imports: [loggingModule(ctx.name), TerminusModule],
      controllers: [HealthController, BanksController],
      providers: [
        ...platformProviders(ctx),
        { provide: LedgerClient, useValue: new HttpLedgerClient(transferUrl, issueToken(ctx.env.authTokenSecret, 'auditor', 'saga', '1h')) },
        SagaStore,
        BankStatusService,
        SagaEngine,
        TimerPoller,
      ],
    };
  }
}
