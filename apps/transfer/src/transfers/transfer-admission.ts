import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CUSTODY_CONFIG, type CustodyConfig, DomainError, findBank, InFlightLimiter, SettledNotifications } from '@custody/service-kit';
import { LedgerRepository } from '../ledger/ledger.repository';

/** The environment setting that overrides every bank's limit of transfers in flight at this process. */
export const MAX_IN_FLIGHT_ENV = 'TRANSFER_MAX_IN_FLIGHT_PER_BANK';
/**
 * Without the setting: this many transfers in flight per call slot the bank's adapter has (sessions ×
 * maxInFlightPerSession). At ~5 ms a bank call on the simulator and ~100 ms at a real bank, four times the slots
 * keeps a transfer's wait for a slot under the 250 ms the API aims at (issue 9).
 */
const IN_FLIGHT_PER_CALL_SLOT = 4;
/** A transfer not final by then (UNKNOWN, or a bank that stopped answering) no longer counts as in flight. */
export const MAX_HOLD_MS = 5_000;
const RETRY_AFTER_SECONDS = 1;
/** At most one warning a bank this often, however many requests are refused. */
const WARN_EVERY_MS = 10_000;

export interface Admission {
  /** The request was refused or failed: its slot is free now. */
  release(): void;
  /** The transfer exists and is not final yet: its slot is free once it is (or after MAX_HOLD_MS). */
  releaseWhenSettled(transferId: string): void;
}

const NOTHING_HELD: Admission = { release: () => undefined, releaseWhenSettled: () => undefined };

/**
 * Sheds securities-initiated transfers beyond what a bank's path serves in time (issue 9): each bank has a limit of
 * transfers in flight at this process, from the request's arrival until the transfer is final; a request beyond it is
 * refused at once with 503 `OVERLOADED` and `Retry-After`, before any work, so it changes nothing. Per bank: one bank
 * slow or stopped fills only its own slots. A request whose account has no bank is let through to be refused by the
 * rules as usual. Counts are this process's: N replicas admit N times the limit.
 */
@Injectable()
export class TransferAdmission {
  private readonly logger = new Logger(TransferAdmission.name);
  private readonly limiter: InFlightLimiter;
  private readonly lastWarned = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly settled: SettledNotifications,
    @Inject(CUSTODY_CONFIG) config: CustodyConfig,
  ) {
    const setting = process.env[MAX_IN_FLIGHT_ENV];
    if (setting !== undefined && !/^[1-9]\d{0,5}$/.test(setting)) throw new Error(`${MAX_IN_FLIGHT_ENV} must be a positive integer, not "${setting}"`);
    this.limiter = new InFlightLimiter((bankCode) => {
      if (setting !== undefined) return Number(setting);
      const bank = findBank(config, bankCode);
      return bank ? IN_FLIGHT_PER_CALL_SLOT * bank.sessions * bank.maxInFlightPerSession : Number.MAX_SAFE_INTEGER;
    });
  }

  async admit(fundAccountNo: string, currency: string): Promise<Admission> {
    const bankCode = await this.ledger.bankOf(this.dataSource.manager, fundAccountNo, currency);
    if (!bankCode) return NOTHING_HELD;
    const release = this.limiter.tryAcquire(bankCode);
    if (!release) {
      this.warnShedding(bankCode);
      throw new DomainError('OVERLOADED', `bank ${bankCode} has ${this.limiter.inFlight(bankCode)} transfers in flight here, as many as it serves in time; nothing was done`, {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    return {
      release,
      releaseWhenSettled: (transferId) => void this.settled.changed(transferId, MAX_HOLD_MS).then(release, release),
    };
  }

  private warnShedding(bankCode: string): void {
    const now = Date.now();
    if (now - (this.lastWarned.get(bankCode) ?? 0) < WARN_EVERY_MS) return;
    this.lastWarned.set(bankCode, now);
    this.logger.warn(
      { bankCode, inFlight: this.limiter.inFlight(bankCode), setting: MAX_IN_FLIGHT_ENV },
      `shedding transfers to bank ${bankCode}: at its limit of transfers in flight (503 OVERLOADED); if the bank and the hub are healthy and the load is expected, raise the limit or add capacity`,
    );
  }
}
