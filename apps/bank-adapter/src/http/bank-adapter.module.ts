import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { ConsumerHealth } from '@custody/messaging';
import { consumerHealthIndicator, HEALTH_CHECKS, HealthController, loggingModule } from '@custody/service-kit';
import { ADAPTER_STATUS, type AdapterStatusSource, bankHealthIndicator } from './adapter-status';
import { StatusController } from './status.controller';

/** The adapter's HTTP edge: health for the stack and orchestrators, status for operators. */
@Module({})
export class BankAdapterModule {
  static register(adapter: AdapterStatusSource & { readonly consumers: ReadonlyArray<{ health(): ConsumerHealth }> }): DynamicModule {
    return {
      module: BankAdapterModule,
      imports: [loggingModule('bank-adapter'), TerminusModule],
      controllers: [HealthController, StatusController],
      providers: [
        { provide: ADAPTER_STATUS, useValue: adapter },
        { provide: HEALTH_CHECKS, useValue: [bankHealthIndicator(adapter), consumerHealthIndicator(adapter.consumers)] },
      ],
    };
  }
}
