import type Redis from 'ioredis';
import type { RedisKeys } from '../platform/redis-client';

/** Reserves a run of serial counters for one business date; shared by every replica and bank. */
export interface SerialBlockSource {
  /**
   * Reserves `size` consecutive counter values for `compactDate`, none below `floor + 1`, and returns
   * the first. When the counter is new (new date, or the store was lost) it starts `freshMargin`
   * above the floor.
   */
  reserve(compactDate: string, floor: number, size: number, freshMargin: number): Promise<number>;
}

/**
 * INCR-like, but never below the clock-derived floor: if Redis loses the counter, the next one starts
 * above every value issued before (see `SystemSerialIssuer`). One script keeps read-and-set atomic.
 */
const RESERVE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
local floor = tonumber(ARGV[1])
local start
if current then
  start = math.max(tonumber(current), floor)
else
  start = floor + tonumber(ARGV[3])
end
local last = start + tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%d', last), 'PX', ARGV[4])
return string.format('%d', start + 1)
`;

/** Counters outlive their business date by two days (late sessions around the date switch). */
const COUNTER_TTL_MS = 3 * 24 * 60 * 60 * 1000;

export class RedisSerialBlockSource implements SerialBlockSource {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async reserve(compactDate: string, floor: number, size: number, freshMargin: number): Promise<number> {
    const first = await this.redis.eval(RESERVE_SCRIPT, 1, this.keys.serialCounter(compactDate), floor, size, freshMargin, COUNTER_TTL_MS);
    const value = Number(first);
    if (!Number.isSafeInteger(value)) throw new Error('serial counter returned a non-integer');
    return value;
  }
}
