import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CUSTODY_CONFIG, type CustodyConfig, DomainError, findBank, InFlightLimiter, type InFlightLimits, SettledNotifications } from '@custody/service-kit';
import { LedgerRepository } from '../ledger/ledger.repository';

/** The environment setting that caps every bank's limit of transfers in flight at this process. */
export const MAX_IN_FLIGHT_ENV = 'TRANSFER_MAX_IN_FLIGHT_PER_BANK';
/** The environment setting for the latency, request to final, the limit keeps admitted transfers under. */
export const TARGET_MS_ENV = 'TRANSFER_ADMISSION_TARGET_MS';
/**
 * Without the setting, the cap is this many transfers per call slot the bank's adapter has (sessions ×
 * maxInFlightPerSession): more could only wait for a slot.
 */
const IN_FLIGHT_PER_CALL_SLOT = 4;
/** Under the 250 ms p99 the API aims at (issue 9), with room for the HTTP edges. */
const DEFAULT_TARGET_MS = 200;
const INITIAL_LIMIT = 32;
/** Never fewer: a client of a dozen or so workers is never shed however slow the bank is. */
const MIN_LIMIT = 16;
/** Fund accounts whose bank is remembered (about 100 bytes each); beyond it the memory starts again. */
const BANK_CACHE_SIZE = 200_000;
/** A transfer not final by then (UNKNOWN, or a bank that stopped answering) no longer counts as in flight. */
export const MAX_HOLD_MS = 5_000;
const RETRY_AFTER_SECONDS = 1;
/** At most one warning a bank this often, however many requests are refused. */
const WARN_EVERY_MS = 10_000;

export interface Admission {
  /** The request was refused or failed: its slot is free now, and says nothing of the bank's capacity. */
  refused(): void;
  /** The transfer is final: its slot is free, and how long it took teaches the limit. */
  settled(): void;
  /** The transfer exists and is not final yet: its slot is free once it is (or after MAX_HOLD_MS, taken as too slow). */
  releaseWhenSettled(transferId: string): void;
}

const NOTHING_HELD: Admission = { refused: () => undefined, settled: () => undefined, releaseWhenSettled: () => undefined };

/**
 * Sheds securities-initiated transfers beyond what a bank's path serves in time (issue 9): each bank has a limit of
 * transfers in flight at this process, from the request's arrival until the transfer is final (woken by the settling
 * commit) or 5 s have passed; a request beyond it is refused at once with 503 `OVERLOADED` and `Retry-After`, before
 * any work, so it changes nothing. The limit is learnt (InFlightLimiter: it rises while transfers end within the
 * target latency and falls when they do not), so it follows what this machine, this hub and this bank serve in time.
 * Per bank: one bank slow or stopped fills only its own slots. A request whose account has no bank is let through to
 * be refused by the rules as usual. Counts are this process's: N replicas admit up to N times the limit.
 */
@Injectable()
export class TransferAdmission {
  private readonly logger = new Logger(TransferAdmission.name);
  private readonly limiter: InFlightLimiter;
  private readonly lastWarned = new Map<string, number>();
  private readonly banks = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly settled: SettledNotifications,
    @Inject(CUSTODY_CONFIG) config: CustodyConfig,
  ) {
    const cap = positiveSetting(MAX_IN_FLIGHT_ENV);
    const targetMs = positiveSetting(TARGET_MS_ENV) ?? DEFAULT_TARGET_MS;
    this.limiter = new InFlightLimiter((bankCode): InFlightLimits => {
      const bank = findBank(config, bankCode);
      const max = cap ?? (bank ? IN_FLIGHT_PER_CALL_SLOT * bank.sessions * bank.maxInFlightPerSession : INITIAL_LIMIT);
      return { initial: Math.min(INITIAL_LIMIT, max), min: Math.min(MIN_LIMIT, max), max, targetMs };
    });
  }

  async admit(fundAccountNo: string, currency: string): Promise<Admission> {
    const bankCode = await this.bankOf(fundAccountNo, currency);
    if (!bankCode) return NOTHING_HELD;
    const release = this.limiter.tryAcquire(bankCode);
    if (!release) {
      this.warnShedding(bankCode);
      throw new DomainError('OVERLOADED', `bank ${bankCode} has ${this.limiter.inFlight(bankCode)} transfers in flight here, as many as it serves in time; nothing was done`, {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    const admittedAt = performance.now();
    const settled = () => release(performance.now() - admittedAt);
    return {
      refused: () => release(),
      settled,
      releaseWhenSettled: (transferId) => void this.settled.changed(transferId, MAX_HOLD_MS).then(settled, settled),
    };
  }

  /**
   * Which bank's slots a request takes, remembered: a stale answer (the account moved to another bank a moment ago)
   * only counts the request against the other bank's limit once; the rules in the transaction read the ledger itself.
   * So a shed request costs no statement, and an admitted one none more than before admission existed.
   */
  private async bankOf(fundAccountNo: string, currency: string): Promise<string | null> {
    const key = `${fundAccountNo}:${currency}`;
    const known = this.banks.get(key);
    if (known) return known;
    const bankCode = await this.ledger.bankOf(this.dataSource.manager, fundAccountNo, currency);
    if (bankCode) {
      if (this.banks.size >= BANK_CACHE_SIZE) this.banks.clear();
      this.banks.set(key, bankCode);
    }
    return bankCode;
  }

  private warnShedding(bankCode: string): void {
    const now = Date.now();
    if (now - (this.lastWarned.get(bankCode) ?? 0) < WARN_EVERY_MS) return;
    this.lastWarned.set(bankCode, now);
    this.logger.warn(
      { bankCode, inFlight: this.limiter.inFlight(bankCode), limit: this.limiter.limit(bankCode) },
      `shedding transfers to bank ${bankCode}: as many in flight as end within the target latency (503 OVERLOADED); if the bank and the hub are healthy and the load is expected, add capacity`,
    );
  }
}

function positiveSetting(name: string): number | undefined {
  const setting = process.env[name];
  if (setting === undefined) return undefined;
  if (!/^[1-9]\d{0,5}$/.test(setting)) throw new Error(`${name} must be a positive integer, not "${setting}"`);
  return Number(setting);
}
