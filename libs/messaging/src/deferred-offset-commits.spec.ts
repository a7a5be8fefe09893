import { DeferredOffsetCommits } from './deferred-offset-commits';
import type { PartitionOffset } from './offset-committer';

describe('DeferredOffsetCommits', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function recording(intervalMs = 250): { commits: DeferredOffsetCommits; requests: PartitionOffset[][]; failures: unknown[] } {
    const requests: PartitionOffset[][] = [];
    const failures: unknown[] = [];
    const commits = new DeferredOffsetCommits(
      intervalMs,
      async (offsets) => {
        requests.push(offsets);
      },
      (error) => failures.push(error),
    );
    return { commits, requests, failures };
  }

  it('issue 9: the runs of one interval go to Kafka as one request, each partition at its highest offset', async () => {
    const { commits, requests } = recording();

    commits.add({ topic: 't', partition: 0, offset: '5' });
    commits.add({ topic: 't', partition: 3, offset: '9' });
    commits.add({ topic: 't', partition: 0, offset: '7' });
    expect(requests).toEqual([]);
    await jest.advanceTimersByTimeAsync(250);

    expect(requests).toEqual([
      [
        { topic: 't', partition: 0, offset: '7' },
        { topic: 't', partition: 3, offset: '9' },
      ],
    ]);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(requests).toHaveLength(1);
  });

  it('an offset read again after a rebalance does not take a partition back behind what it applied', async () => {
    const { commits, requests } = recording();

    commits.add({ topic: 't', partition: 0, offset: '10' });
    commits.add({ topic: 't', partition: 0, offset: '4' });
    await jest.advanceTimersByTimeAsync(250);

    expect(requests).toEqual([[{ topic: 't', partition: 0, offset: '10' }]]);
  });

  it('a flush sends what is pending at once, after a flush still in flight, and leaves nothing for the timer', async () => {
    let answer = (): void => undefined;
    const requests: PartitionOffset[][] = [];
    const commits = new DeferredOffsetCommits(
      250,
      (offsets) => {
        requests.push(offsets);
        return new Promise<void>((resolve) => (answer = resolve));
      },
      () => undefined,
    );

    commits.add({ topic: 't', partition: 0, offset: '1' });
    const first = commits.flush();
    commits.add({ topic: 't', partition: 0, offset: '2' });
    const second = commits.flush();
    await jest.advanceTimersByTimeAsync(0);
    expect(requests).toEqual([[{ topic: 't', partition: 0, offset: '1' }]]);

    answer();
    await first;
    await jest.advanceTimersByTimeAsync(0);
    expect(requests).toEqual([[{ topic: 't', partition: 0, offset: '1' }], [{ topic: 't', partition: 0, offset: '2' }]]);
    answer();
    await second;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(requests).toHaveLength(2);
  });

  it('a refused commit is reported, not retried; the offsets after it are committed afresh', async () => {
    let refuse = true;
    const failures: unknown[] = [];
    const requests: PartitionOffset[][] = [];
    const commits = new DeferredOffsetCommits(
      250,
      async (offsets) => {
        requests.push(offsets);
        if (refuse) throw new Error('rebalance in progress');
      },
      (error) => failures.push(error),
    );

    commits.add({ topic: 't', partition: 0, offset: '3' });
    await jest.advanceTimersByTimeAsync(250);
    expect(failures).toEqual([new Error('rebalance in progress')]);

    refuse = false;
    commits.add({ topic: 't', partition: 0, offset: '4' });
    await jest.advanceTimersByTimeAsync(250);
    expect(requests).toEqual([[{ topic: 't', partition: 0, offset: '3' }], [{ topic: 't', partition: 0, offset: '4' }]]);
    expect(failures).toHaveLength(1);
  });

  it('an interval that is not a positive whole number of ms is refused at wiring time', () => {
    expect(() => recording(0)).toThrow('positive number of ms');
  });
});
