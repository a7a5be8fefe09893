import { readOncePerScrape } from './scrape-read';

describe('readOncePerScrape (docs/design.md "Metrics": one read per scrape for the gauges of one query)', () => {
  it('gauges collected together share one read; the next scrape reads again', async () => {
    let reads = 0;
    const backlog = readOncePerScrape(async () => ({ read: ++reads }));
    expect(await Promise.all([backlog(), backlog()])).toEqual([{ read: 1 }, { read: 1 }]);
    expect(await backlog()).toEqual({ read: 2 });
  });

  it('a failed read fails the gauges that shared it and is not kept for the next scrape', async () => {
    let reads = 0;
    const backlog = readOncePerScrape(async () => {
      reads += 1;
      if (reads === 1) throw new Error('the database is away');
      return reads;
    });
    const first = await Promise.allSettled([backlog(), backlog()]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await backlog()).toBe(2);
  });
});
