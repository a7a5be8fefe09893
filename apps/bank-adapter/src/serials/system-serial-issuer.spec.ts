import { BusinessCalendar } from '@custody/service-kit';
import { silentLogger } from '../platform/adapter-logger';
import type { SerialBlockSource } from './serial-block.source';
import { SystemSerialIssuer } from './system-serial-issuer';

class FixedCalendar extends BusinessCalendar {
  constructor(public date: string) {
    super();
  }
  today(): string {
    return this.date;
  }
}

/** The Redis script's rule in memory: never below the floor, a fresh counter starts above it. */
class MemoryCounter implements SerialBlockSource {
  readonly counters = new Map<string, number>();
  down = false;

  async reserve(date: string, floor: number, size: number, freshMargin: number): Promise<number> {
    if (this.down) throw new Error('Redis down');
    const current = this.counters.get(date);
    const start = current === undefined ? floor + freshMargin : Math.max(current, floor);
    this.counters.set(date, start + size);
    return start + 1;
  }
}

// 2026-11-21 10:00:00 in Beijing.
const NOW = new Date('2026-11-21T02:00:00Z');

function issuer(source: SerialBlockSource, calendar = new FixedCalendar('2026-11-21'), clock = () => NOW, random = () => 0.5) {
  return new SystemSerialIssuer(source, calendar, silentLogger, { blockSize: 10, refillBelow: 3 }, clock, random);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

describe('system serials (profile §1: ≤ 20 characters, unique per issuer for ever)', () => {
  it('are business date + 9 + 11 digits, 20 characters', async () => {
    const serials = issuer(new MemoryCounter());
    await serials.prime();
    const serial = serials.next();
    expect(serial).toMatch(/^202611219\d{11}$/);
    expect(serial).toHaveLength(20);
  });

  it('never repeat across blocks and refills', async () => {
    const serials = issuer(new MemoryCounter());
    await serials.prime();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      seen.add(serials.next());
      await settle();
    }
    expect(seen.size).toBe(200);
  });

  it('two processes sharing the counter never issue the same serial', async () => {
    const counter = new MemoryCounter();
    const a = issuer(counter);
    const b = issuer(counter);
    await Promise.all([a.prime(), b.prime()]);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i += 1) {
      seen.add(a.next());
      seen.add(b.next());
      await settle();
    }
    expect(seen.size).toBe(100);
  });

  it('a lost counter resumes above everything issued before (clock-seeded floor)', async () => {
    const counter = new MemoryCounter();
    let now = NOW;
    const before = issuer(counter, undefined, () => now);
    await before.prime();
    const earlier = Array.from({ length: 5 }, () => before.next());
    counter.counters.clear();
    now = new Date(NOW.getTime() + 1_000);
    const after = issuer(counter, undefined, () => now);
    await after.prime();
    const later = after.next();
    expect(earlier.every((serial) => serial < later)).toBe(true);
  });

  it('without Redis, serials come from the upper half of the current second and still never repeat', async () => {
    const counter = new MemoryCounter();
    counter.down = true;
    const serials = issuer(counter);
    await serials.prime();
    const issued = Array.from({ length: 20 }, () => serials.next());
    expect(new Set(issued).size).toBe(20);
    for (const serial of issued) expect(Number(serial.slice(-5))).toBeGreaterThanOrEqual(50_000);
  });

  it('Redis-issued serials stay in the lower half of their second, so they cannot meet fallback ones', async () => {
    const serials = issuer(new MemoryCounter());
    await serials.prime();
    expect(Number(serials.next().slice(-5))).toBeLessThan(50_000);
  });

  it('a new business date starts a new counter under the new date', async () => {
    const calendar = new FixedCalendar('2026-11-21');
    const serials = issuer(new MemoryCounter(), calendar);
    await serials.prime();
    serials.next();
    calendar.date = '2026-11-22';
    expect(serials.next().startsWith('202611229')).toBe(true);
    await settle();
    expect(serials.next().startsWith('202611229')).toBe(true);
  });
});
