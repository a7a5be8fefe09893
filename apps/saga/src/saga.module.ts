import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Clock, HealthController, loggingModule, platformProviders, signingIdentity, type ServiceContext } from '@custody/service-kit';
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
    const identity = signingIdentity(ctx.auth, ctx.name);
    return {
      module: SagaModule,
      imports: [loggingModule(ctx.name), TerminusModule],
      controllers: [HealthController, BanksController],
      providers: [
        ...platformProviders(ctx),
        { provide: LedgerClient, useFactory: (clock: Clock) => HttpLedgerClient.signedAs(identity, transferUrl, clock), inject: [Clock] },
        SagaStore,
        BankStatusService,
        SagaEngine,
        TimerPoller,
      ],
    };
  }
}
