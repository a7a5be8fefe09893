import { ConsumerLag } from './consumer-lag';

const batch = (partition: number, firstOffset: number, lastOffset: number, highWatermark: number) => ({
  topic: 't',
  partition,
  highWatermark: String(highWatermark),
  firstOffset: String(firstOffset),
  offsetLag: String(highWatermark - 1 - lastOffset),
});

describe('consumer lag (custody_consumer_lag)', () => {
  it("a batch begun counts its own messages; ended, what the partition had beyond it; partitions of a topic are summed", () => {
    const lag = new ConsumerLag();
    lag.batchStarted(batch(0, 10, 14, 20));
    lag.batchStarted(batch(1, 0, 2, 3));
    expect(lag.byTopic()).toEqual(new Map([['t', 10 + 3]]));
    lag.batchEnded(batch(0, 10, 14, 20));
    lag.batchEnded(batch(1, 0, 2, 3));
    expect(lag.byTopic()).toEqual(new Map([['t', 5]]));
  });

  it('partitions lost on a rebalance are forgotten; a topic with none held disappears', () => {
    const lag = new ConsumerLag();
    lag.batchStarted(batch(0, 0, 0, 4));
    lag.batchStarted(batch(1, 0, 0, 7));
    lag.assigned({ t: [1] });
    expect(lag.byTopic()).toEqual(new Map([['t', 7]]));
    lag.assigned({ other: [0] });
    expect(lag.byTopic()).toEqual(new Map());
  });
});
