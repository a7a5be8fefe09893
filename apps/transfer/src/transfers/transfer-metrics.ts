import { Inject, Injectable } from '@nestjs/common';
import { readOncePerScrape } from '@custody/messaging';
import { afterCommit } from '@custody/persistence';
import { Clock, CUSTODY_CONFIG, type CustodyConfig } from '@custody/service-kit';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { Transfer, TransferStatus } from './transfer.entity';
import { TransferRepository } from './transfer.repository';

/** What a transfer can come to after PENDING: each is counted once per transfer. */
export type TransferOutcome = Exclude<TransferStatus, 'PENDING'>;

type TransferLabel = 'bank' | 'type' | 'initiator' | 'outcome';

/** The labels of a transfer's series: its bank, type, who started it (the row's S/B spelt out) and the outcome. */
export function transferLabels(transfer: Pick<Transfer, 'bankCode' | 'type' | 'initiator'>, outcome: TransferOutcome): Record<TransferLabel, string> {
  return { bank: transfer.bankCode, type: transfer.type, initiator: transfer.initiator === 'S' ? 'SECURITIES' : 'BANK', outcome };
}

/**
 * Seconds from a few milliseconds (a bank's deposit booked in one transaction) through a bank's reply timeout to an
 * UNKNOWN resolved by a query or a reversal minutes later.
 */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800];

/**
 * The transfer service's metrics (docs/design.md "Metrics"). A transfer's outcome is counted after the commit of the
 * transaction that gave it — a rolled-back batch counts nothing, and a redelivered verdict that the inbox or the
 * final-status check turns away never reaches here — and costs an increment and an observation, no SQL. The UNKNOWN
 * figures are read from the transfers table when scraped.
 */
@Injectable()
export class TransferMetrics {
  private readonly outcomes: Counter<TransferLabel>;
  private readonly durations: Histogram<TransferLabel>;

  constructor(registry: Registry, private readonly clock: Clock, dataSource: DataSource, transfers: TransferRepository, @Inject(CUSTODY_CONFIG) config: CustodyConfig) {
    this.outcomes = new Counter({
      name: 'custody_transfers_total',
      help: 'Transfers that came to an outcome: SUCCEEDED, FAILED, REVERSED, or UNKNOWN (counted when it became UNKNOWN, and again under its final outcome).',
      labelNames: ['bank', 'type', 'initiator', 'outcome'],
      registers: [registry],
    });
    this.durations = new Histogram({
      name: 'custody_transfer_duration_seconds',
      help: "From a transfer's start (its row's creation; a bank's request: when its adapter read it) to its first final outcome committed.",
      labelNames: ['bank', 'type', 'initiator', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    // One read for both gauges each scrape. A read that fails (the database away) leaves both without samples this
    // scrape; the process's own metrics still answer.
    const unknownByBank = readOncePerScrape(() => transfers.unknownByBank(dataSource.manager));
    const unknownNow = async () => {
      const found = await unknownByBank().catch(() => undefined);
      if (!found) return [];
      const banks = new Set([...config.banks.map((bank) => bank.code), ...found.map((row) => row.bankCode)]);
      const now = clock.now().getTime();
      return [...banks].map((bank) => {
        const row = found.find((r) => r.bankCode === bank);
        return { bank, count: row?.count ?? 0, oldestAgeSeconds: row?.oldestSince ? Math.max(0, (now - row.oldestSince.getTime()) / 1000) : 0 };
      });
    };
    new Gauge({
      name: 'custody_transfers_unknown',
      help: 'Transfers UNKNOWN now (sent, no definite answer from the bank yet), per bank.',
      labelNames: ['bank'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { bank, count } of await unknownNow()) this.set({ bank }, count);
      },
    });
    new Gauge({
      name: 'custody_transfers_unknown_oldest_age_seconds',
      help: 'How long the oldest transfer UNKNOWN now has been so, per bank; 0 when none is.',
      labelNames: ['bank'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const { bank, oldestAgeSeconds } of await unknownNow()) this.set({ bank }, oldestAgeSeconds);
      },
    });
  }

  /**
   * `transfer` came to `outcome` in the transaction of `manager`; counted once that commits. `startedAt` only for its
   * first final outcome: a deposit the bank reverses later counts REVERSED without a second duration.
   */
  reached(manager: EntityManager, transfer: Pick<Transfer, 'transferId' | 'bankCode' | 'type' | 'initiator'>, outcome: TransferOutcome, startedAt?: Date): void {
    afterCommit(manager, `metrics:transfer:${transfer.transferId}:${outcome}`, () => {
      const labels = transferLabels(transfer, outcome);
      this.outcomes.inc(labels);
      if (startedAt) this.durations.observe(labels, Math.max(0, this.clock.now().getTime() - startedAt.getTime()) / 1000);
    });
  }
}
