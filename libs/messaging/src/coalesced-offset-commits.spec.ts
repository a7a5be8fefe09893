import { CoalescedOffsetCommits } from './coalesced-offset-commits';
import type { PartitionOffset } from './offset-committer';

describe('CoalescedOffsetCommits', () => {
  it('issue 9: the offsets asked for in one turn of the event loop go to Kafka in one request, and each asker waits for it', async () => {
    const requests: PartitionOffset[][] = [];
    const commits = new CoalescedOffsetCommits(async (offsets) => {
      requests.push(offsets);
    });

    await Promise.all([commits.commit({ topic: 't', partition: 0, offset: '5' }), commits.commit({ topic: 't', partition: 3, offset: '9' })]);
    await commits.commit({ topic: 't', partition: 0, offset: '6' });

    expect(requests).toEqual([
      [
        { topic: 't', partition: 0, offset: '5' },
        { topic: 't', partition: 3, offset: '9' },
      ],
      [{ topic: 't', partition: 0, offset: '6' }],
    ]);
  });

  it('a failed request fails every asker in it, and the next request is made afresh', async () => {
    let fail = true;
    const commits = new CoalescedOffsetCommits(async () => {
      if (fail) throw new Error('coordinator moved');
    });

    const asked = [commits.commit({ topic: 't', partition: 0, offset: '5' }), commits.commit({ topic: 't', partition: 1, offset: '2' })];

    for (const commit of asked) await expect(commit).rejects.toThrow('coordinator moved');
    fail = false;
    await expect(commits.commit({ topic: 't', partition: 0, offset: '5' })).resolves.toBeUndefined();
  });
});
