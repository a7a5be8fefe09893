import type { RefIssuer } from '@custody/bank-protocol';
import { type BusinessCalendar, compactDate } from '@custody/service-kit';
import { type AdapterLogger, describeError } from '../platform/adapter-logger';
import type { SerialBlockSource } from './serial-block.source';

/** The issuing-service digit of serials the adapter makes itself (service-kit SERIAL_SOURCES uses 1–3). */
export const ADAPTER_SERIAL_SOURCE = '9';

/**
 * The 11 digits after the date are `SSSSSS` + `NNNNN`: seconds since the day before the business
 * date began (Beijing time), then a counter within that second. The Redis counter issues in the lower
 * half of each second (N < 50,000), the fallback without Redis in the upper half.
 */
const PER_SECOND = 100_000;
const FALLBACK_OFFSET = 50_000;
const FALLBACK_SPREAD = 10_000;
const MAX_COUNTER = 99_999_999_999;
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface SerialIssuerOptions {
  readonly blockSize: number;
  /** Refill in the background when fewer than this many serials are left in the block. */
  readonly refillBelow: number;
}

interface Block {
  readonly date: string;
  next: number;
  readonly last: number;
}

/**
 * Serials (`Ref`) for what the adapter sends on its own: sign-in, sign-off, heartbeats, key syncs, and
 * replies the protocol library writes itself (refusals, session replies). Business requests carry the
 * saga's serial and replies to bank-initiated requests the transfer service's.
 *
 * Unique per issuer for ever (profile §1), without a database and without trusting Redis to survive:
 * - blocks come from a Redis counter that never goes below the clock's current second, and starts two
 *   seconds ahead when it is new, so a lost counter resumes above everything issued before it (as long
 *   as fewer than 50,000 serials a second are issued — the adapter sends a few per minute);
 * - when Redis cannot be reached, serials come from the upper half of the current second, above a
 *   random start, strictly increasing in this process: they cannot meet a Redis-issued serial, and two
 *   replicas without Redis in the same second are very unlikely to meet each other.
 * `next()` is synchronous because the protocol library calls it while writing; it never throws.
 */
export class SystemSerialIssuer implements RefIssuer {
  private block: Block | undefined;
  private refilling: Promise<void> | undefined;
  private fallbackDate = '';
  private fallbackLast = 0;
  private fallbackWarned = false;

  constructor(
    private readonly source: SerialBlockSource,
    private readonly calendar: BusinessCalendar,
    private readonly logger: AdapterLogger,
    private readonly options: SerialIssuerOptions = { blockSize: 100, refillBelow: 20 },
    private readonly clock: () => Date = () => new Date(),
    private readonly random: () => number = Math.random,
  ) {}

  /** Reserves the first block before sessions open; without Redis the fallback serves. */
  prime(): Promise<void> {
    return this.refill(this.currentDate());
  }

  next(): string {
    const date = this.currentDate();
    const block = this.block;
    let counter: number;
    if (block && block.date === date && block.next <= block.last) {
      counter = block.next;
      block.next += 1;
      if (block.last - block.next + 1 < this.options.refillBelow) void this.refill(date);
    } else {
      void this.refill(date);
      counter = this.fallback(date);
    }
    return `${date}${ADAPTER_SERIAL_SOURCE}${String(counter).padStart(11, '0')}`;
  }

  private currentDate(): string {
    return compactDate(this.calendar.today());
  }

  /** The first counter value of the current second for `date`. */
  private secondFloor(date: string): number {
    const year = Number(date.slice(0, 4));
    const month = Number(date.slice(4, 6));
    const day = Number(date.slice(6, 8));
    const anchor = Date.UTC(year, month - 1, day) - BEIJING_OFFSET_MS - DAY_MS;
    const seconds = Math.floor((this.clock().getTime() - anchor) / 1000);
    return Math.min(Math.max(seconds, 0) * PER_SECOND, MAX_COUNTER - PER_SECOND + 1);
  }

  private fallback(date: string): number {
    if (this.fallbackDate !== date) {
      this.fallbackDate = date;
      this.fallbackLast = 0;
    }
    const start = this.secondFloor(date) + FALLBACK_OFFSET + Math.floor(this.random() * FALLBACK_SPREAD);
    this.fallbackLast = Math.min(Math.max(this.fallbackLast + 1, start), MAX_COUNTER);
    if (!this.fallbackWarned) {
      this.fallbackWarned = true;
      this.logger.warn({}, 'serials issued without the Redis counter (clock-based fallback)');
    }
    return this.fallbackLast;
  }

  private refill(date: string): Promise<void> {
    if (this.refilling) return this.refilling;
    const size = this.options.blockSize;
    this.refilling = this.source
      .reserve(date, this.secondFloor(date), size, 2 * PER_SECOND)
      .then((first) => {
        const last = first + size - 1;
        if (last > MAX_COUNTER) throw new Error('serial counter exhausted for the day');
        this.block = { date, next: first, last };
        this.fallbackWarned = false;
      })
      .catch((error: unknown) => {
        this.logger.debug({ error: describeError(error) }, 'serial block not reserved');
      })
      .finally(() => {
        this.refilling = undefined;
      });
    return this.refilling;
  }
}
