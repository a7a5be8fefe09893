import { InFlightBatcher } from './in-flight-batcher';

const turn = () => new Promise((r) => setImmediate(r));

/** A round trip answered when the test says so. */
function slowRoundTrips() {
  const trips: Array<{ items: string[]; answer: (results: number[] | Error) => void }> = [];
  const send = (items: string[]) => new Promise<number[]>((resolve, reject) => trips.push({ items, answer: (r) => (r instanceof Error ? reject(r) : resolve(r)) }));
  return { trips, send };
}

describe('InFlightBatcher (issue 9: group commit of round trips)', () => {
  it('items submitted while a round trip is on its way go together in the next, each getting its own result', async () => {
    const { trips, send } = slowRoundTrips();
    const batcher = new InFlightBatcher(send, 10);
    const a = batcher.submit('a');
    await turn();
    const [b, c] = [batcher.submit('b'), batcher.submit('c')];
    await turn();
    expect(trips.map((t) => t.items)).toEqual([['a']]);
    trips[0].answer([1]);
    await expect(a).resolves.toBe(1);
    await turn();
    expect(trips.map((t) => t.items)).toEqual([['a'], ['b', 'c']]);
    trips[1].answer([2, 3]);
    await expect(Promise.all([b, c])).resolves.toEqual([2, 3]);
  });

  it('a round trip that answers another number of results than it was given items fails every item of it', async () => {
    const { trips, send } = slowRoundTrips();
    const batcher = new InFlightBatcher(send, 10);
    const [a, b] = [batcher.submit('a'), batcher.submit('b')];
    await turn();
    trips[0].answer([1]);
    await expect(a).rejects.toThrow('a round trip of 2 items answered 1 results');
    await expect(b).rejects.toThrow();
  });

  it('no round trip holds more than maxBatch items', async () => {
    const { trips, send } = slowRoundTrips();
    const batcher = new InFlightBatcher(send, 2);
    const all = ['a', 'b', 'c'].map((item) => batcher.submit(item));
    await turn();
    trips[0].answer([1, 2]);
    await turn();
    expect(trips.map((t) => t.items)).toEqual([['a', 'b'], ['c']]);
    trips[1].answer([3]);
    await expect(Promise.all(all)).resolves.toEqual([1, 2, 3]);
  });
});
