import { Inject, Injectable } from '@nestjs/common';
import { DAY_PHASES, type DayPhase } from '@custody/contracts';
import { CUSTODY_CONFIG, type CustodyConfig } from '@custody/service-kit';
import { Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { type BankDay, BankDayRepository } from './bank-day.repository';

export interface DayPhaseSample {
  bank: string;
  phase: DayPhase;
  value: 0 | 1;
}

/**
 * One sample per configured bank and phase: 1 for the phase the bank's day of the broker's business date is in, 0 for
 * every other, so a query can both select the phase (`== 1`) and see a bank whose day never started (NOT_STARTED, as
 * `GET /v1/banks` shows it).
 */
export function dayPhaseSamples(bankCodes: readonly string[], days: readonly Pick<BankDay, 'bankCode' | 'phase'>[]): DayPhaseSample[] {
  return bankCodes.flatMap((bank) => {
    const current = days.find((day) => day.bankCode === bank)?.phase ?? 'NOT_STARTED';
    return DAY_PHASES.map((phase): DayPhaseSample => ({ bank, phase, value: phase === current ? 1 : 0 }));
  });
}

/** `custody_day_phase{bank,phase}` (docs/design.md "Metrics"), read from the day-cycle state when scraped, one statement. */
@Injectable()
export class DayPhaseMetrics {
  constructor(registry: Registry, dataSource: DataSource, days: BankDayRepository, @Inject(CUSTODY_CONFIG) config: CustodyConfig) {
    const bankCodes = config.banks.map((bank) => bank.code);
    new Gauge({
      name: 'custody_day_phase',
      help: "Where each bank's day of the broker's business date stands: 1 for its current phase, 0 for the others.",
      labelNames: ['bank', 'phase'],
      registers: [registry],
      async collect() {
        this.reset();
        // A read that fails (the database away) leaves the gauge without samples this scrape, not the scrape failed.
        const today = await days.onBusinessDate(dataSource.manager).catch(() => undefined);
        if (today) for (const { bank, phase, value } of dayPhaseSamples(bankCodes, today)) this.set({ bank, phase }, value);
      },
    });
  }
}
