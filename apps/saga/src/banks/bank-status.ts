import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import type { z } from 'zod';
import type { bankStatusReported, DayPhase } from '@custody/contracts';
import { Clock, CUSTODY_CONFIG, type CustodyConfig } from '@custody/service-kit';
import { BankDayRepository } from '../day/bank-day.repository';

type Report = z.infer<typeof bankStatusReported.schema>;
type Breaker = Report['breaker'];

/** Adapters report every 10 s; a process silent for this long is taken as gone. */
export const ADAPTER_SILENCE_MS = 45_000;

export interface BankView {
  bankCode: string;
  name: string;
  lead: boolean;
  sessions: { up: number; total: number };
  breaker: Breaker;
  /** The broker's business date, and where the bank's day of it stands (bank-protocol.md §7). */
  businessDate: string;
  dayPhase: DayPhase;
  adapters: number;
  lastReportAt?: string;
}

interface StatusRow {
  bank_code: string;
  sessions_up: number;
  sessions_total: number;
  breaker: Breaker;
  stopping: boolean;
  reported_at: Date;
}

const SEVERITY: Record<Breaker, number> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };

/** Each bank's connection as its adapters report it (api.md `GET /v1/banks`). */
@Injectable()
export class BankStatusService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
    private readonly days: BankDayRepository,
    private readonly clock: Clock,
  ) {}

  /** Keeps the newest report per adapter process; an older one delivered late changes nothing. */
  async record(manager: EntityManager, report: Report): Promise<void> {
    await manager.query(
      `INSERT INTO saga.bank_status (bank_code, adapter_instance_id, sessions_up, sessions_total, breaker, stopping, reported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (bank_code, adapter_instance_id) DO UPDATE SET sessions_up = excluded.sessions_up, sessions_total = excluded.sessions_total,
         breaker = excluded.breaker, stopping = excluded.stopping, reported_at = excluded.reported_at
       WHERE saga.bank_status.reported_at <= excluded.reported_at`,
      [report.bankCode, report.adapterInstanceId, report.sessionsUp, report.sessionsTotal, report.breaker, report.stopping, report.reportedAt],
    );
  }

  async banks(): Promise<BankView[]> {
    const rows: StatusRow[] = await this.dataSource.query(`SELECT * FROM saga.bank_status`);
    const businessDate = (await this.days.businessDate(this.dataSource.manager)) ?? '';
    const days = businessDate === '' ? [] : await this.days.onDate(this.dataSource.manager, businessDate);
    const now = this.clock.now().getTime();
    return this.config.banks.map((bank) => {
      const reports = rows.filter((r) => r.bank_code === bank.code);
      const live = reports.filter((r) => !r.stopping && now - new Date(r.reported_at).getTime() <= ADAPTER_SILENCE_MS);
      const latest = reports.map((r) => new Date(r.reported_at).getTime()).sort((a, b) => b - a)[0];
      return {
        bankCode: bank.code,
        name: bank.name,
        lead: bank.lead,
        sessions: { up: live.reduce((n, r) => n + r.sessions_up, 0), total: live.length > 0 ? live.reduce((n, r) => n + r.sessions_total, 0) : bank.sessions },
        // No live adapter: nothing can reach the bank, which is what an open breaker says to a caller.
        breaker: live.length === 0 ? 'OPEN' : live.map((r) => r.breaker).sort((a, b) => SEVERITY[b] - SEVERITY[a])[0],
        businessDate,
        dayPhase: days.find((day) => day.bankCode === bank.code)?.phase ?? 'NOT_STARTED',
        adapters: live.length,
        lastReportAt: latest === undefined ? undefined : new Date(latest).toISOString(),
      };
    });
  }
}
