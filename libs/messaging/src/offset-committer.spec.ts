import { quietLogger } from './messaging.logger';
import { OffsetCommitter, type PartitionOffset } from './offset-committer';

/** A commit function that holds each call until the test lets it go, and records what it was given. */
class HeldCommits {
  readonly calls: PartitionOffset[][] = [];
  private readonly releases: Array<(error?: Error) => void> = [];

  readonly commit = (offsets: PartitionOffset[]): Promise<void> => {
    this.calls.push(offsets);
    return new Promise((resolve, reject) => this.releases.push((error) => (error ? reject(error) : resolve())));
  };

  release(error?: Error): void {
    this.releases.shift()?.(error);
  }
}

async function settled(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

function committerFor(commits: HeldCommits, owns: (topic: string, partition: number) => boolean = () => true): OffsetCommitter {
  return new OffsetCommitter({ groupId: 'g', logger: { ...quietLogger, warn: () => undefined }, commit: commits.commit, owns, maxBackoffMs: 1 });
}

describe('offset committer of a windowed consumer', () => {
  it('one commit at a time, and the next one carries only the newest point per partition', async () => {
    const commits = new HeldCommits();
    const committer = committerFor(commits);
    committer.request({ topic: 't', partition: 0, offset: '3' });
    await settled();
    committer.request({ topic: 't', partition: 0, offset: '5' });
    committer.request({ topic: 't', partition: 1, offset: '2' });
    committer.request({ topic: 't', partition: 0, offset: '7' });
    await settled();
    expect(commits.calls).toHaveLength(1);
    commits.release();
    await settled();
    expect(commits.calls).toEqual([
      [{ topic: 't', partition: 0, offset: '3' }],
      [
        { topic: 't', partition: 0, offset: '7' },
        { topic: 't', partition: 1, offset: '2' },
      ],
    ]);
    commits.release();
    await committer.flush();
  });

  it('a failed commit is tried again, unless a newer point or another owner took its place', async () => {
    const commits = new HeldCommits();
    let ownsPartition1 = true;
    const committer = committerFor(commits, (_topic, partition) => partition !== 1 || ownsPartition1);
    committer.request({ topic: 't', partition: 0, offset: '3' });
    committer.request({ topic: 't', partition: 1, offset: '4' });
    await settled();
    committer.request({ topic: 't', partition: 0, offset: '9' });
    ownsPartition1 = false;
    commits.release(new Error('REBALANCE_IN_PROGRESS'));
    const flushed = committer.flush();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(commits.calls[1]).toEqual([{ topic: 't', partition: 0, offset: '9' }]);
    commits.release();
    await flushed;
    expect(commits.calls).toHaveLength(2);
  });

  it('after close nothing more is committed', async () => {
    const commits = new HeldCommits();
    const committer = committerFor(commits);
    committer.close();
    committer.request({ topic: 't', partition: 0, offset: '1' });
    await committer.flush();
    expect(commits.calls).toEqual([]);
  });
});
