import { KeyedSequencer } from './call-sequencer';

/** Work that runs until the test lets it finish (or fail), recording when it started. */
function heldWork(log: string[], name: string): { work: () => Promise<string>; finish: () => void; fail: () => void } {
  let finish: () => void = () => undefined;
  let fail: () => void = () => undefined;
  const gate = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = () => reject(new Error(`${name} failed`));
  });
  return {
    work: async () => {
      log.push(`start ${name}`);
      await gate;
      log.push(`end ${name}`);
      return name;
    },
    finish: () => finish(),
    fail: () => fail(),
  };
}

async function settled(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

describe('keyed sequencer (calls of one account one after another, of different accounts side by side)', () => {
  it('runs items with a common key in the order they came, and the others at once', async () => {
    const sequencer = new KeyedSequencer();
    const log: string[] = [];
    const a1 = heldWork(log, 'a1');
    const b1 = heldWork(log, 'b1');
    const a2 = heldWork(log, 'a2');
    const runs = [sequencer.run(['account:a'], a1.work), sequencer.run(['account:b'], b1.work), sequencer.run(['account:a'], a2.work)];
    await settled();
    expect(log).toEqual(['start a1', 'start b1']);
    a1.finish();
    await settled();
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'start a2']);
    b1.finish();
    a2.finish();
    expect(await Promise.all(runs)).toEqual(['a1', 'b1', 'a2']);
    expect(sequencer.busyKeys).toBe(0);
  });

  it('an item with two keys waits for the earlier item of each; a failure releases the next one', async () => {
    const sequencer = new KeyedSequencer();
    const log: string[] = [];
    const first = heldWork(log, 'first');
    const other = heldWork(log, 'other');
    const both = heldWork(log, 'both');
    const runs = [
      sequencer.run(['account:a', 'serial:1'], first.work),
      sequencer.run(['account:b', 'serial:2'], other.work),
      // Another account, but the serial of the first call: a re-send of it must not overtake it.
      sequencer.run(['account:c', 'serial:1'], both.work),
    ];
    await settled();
    expect(log).toEqual(['start first', 'start other']);
    first.fail();
    await expect(runs[0]).rejects.toThrow('first failed');
    await settled();
    expect(log).toContain('start both');
    other.finish();
    both.finish();
    await Promise.all(runs.slice(1));
    expect(sequencer.busyKeys).toBe(0);
  });
});
