import type { EffectScope } from './effect-scope';
import { GroupCommit } from './group-commit';

/** A transaction in memory: what a work writes lasts only if the whole transaction gets through. */
class FakeTransactions implements EffectScope<string[]> {
  readonly committed: string[][] = [];
  failCommit = false;

  async run<T>(work: (writes: string[]) => Promise<T>): Promise<T> {
    const writes: string[] = [];
    const result = await work(writes);
    if (this.failCommit) throw new Error('could not commit');
    this.committed.push(writes);
    return result;
  }
}

const write = (name: string) => async (writes: string[]): Promise<string> => {
  writes.push(name);
  return `${name} done`;
};

describe('GroupCommit: the runs handed in together share one transaction', () => {
  it('issue 9: runs handed in within one turn of the event loop commit in one transaction, each getting its own result', async () => {
    const transactions = new FakeTransactions();
    const group = new GroupCommit(transactions);

    const results = await Promise.all([group.run(write('p0')), group.run(write('p1')), group.run(write('p2'))]);

    expect(results).toEqual(['p0 done', 'p1 done', 'p2 done']);
    expect(transactions.committed).toEqual([['p0', 'p1', 'p2']]);
  });

  it('issue 9: runs handed in while a transaction is open wait for it and go together into the next one', async () => {
    const transactions = new FakeTransactions();
    const group = new GroupCommit(transactions);
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = group.run(async (writes) => {
      writes.push('slow');
      await held;
    });
    await new Promise((resolve) => setImmediate(resolve));

    const later = [group.run(write('a')), group.run(write('b'))];
    release();
    await Promise.all([first, ...later]);

    expect(transactions.committed).toEqual([['slow'], ['a', 'b']]);
  });

  it('a run that fails gets its error alone; the others of its transaction are run again, first, in the next one, and nothing of the failed run lasts', async () => {
    const transactions = new FakeTransactions();
    const group = new GroupCommit(transactions);
    let attemptsOfP0 = 0;
    const p0 = group.run(async (writes) => {
      attemptsOfP0 += 1;
      writes.push('p0');
    });
    const failing = group.run(async (writes) => {
      writes.push('bad');
      throw new Error('duplicate key');
    });
    const p2 = group.run(write('p2'));

    await expect(failing).rejects.toThrow('duplicate key');
    await Promise.all([p0, p2]);

    expect(transactions.committed).toEqual([['p0', 'p2']]);
    expect(attemptsOfP0).toBe(2);
  });

  it('a transaction that cannot commit fails every run in it: none is to blame, each deals with it as its own', async () => {
    const transactions = new FakeTransactions();
    transactions.failCommit = true;
    const group = new GroupCommit(transactions);

    const runs = [group.run(write('p0')), group.run(write('p1'))];

    for (const run of runs) await expect(run).rejects.toThrow('could not commit');
    transactions.failCommit = false;
    await expect(group.run(write('p2'))).resolves.toBe('p2 done');
    expect(transactions.committed).toEqual([['p2']]);
  });

  it('issue 9: `before` runs first in each transaction, once, with the keys of every run in it — again for the runs that go again after a failure', async () => {
    const transactions = new FakeTransactions();
    const group = new GroupCommit<string[], string>(transactions, async (writes, keys) => {
      writes.push(`claim ${keys.join(' ')}`);
    });

    const runs = [
      group.run(write('p0'), ['m1', 'm2']),
      group.run(async () => {
        throw new Error('refused');
      }, ['m3']),
      group.run(write('p2'), ['m4']),
    ];

    await expect(runs[1]).rejects.toThrow('refused');
    await Promise.all([runs[0], runs[2]]);
    expect(transactions.committed).toEqual([['claim m1 m2 m4', 'p0', 'p2']]);
  });
});
