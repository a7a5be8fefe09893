import { FileTransferTracker } from './file-transfer.tracker';

describe('file transfers in progress per session (profile §7 step 8: keys roll only on a session without one)', () => {
  it('a step of ours holds its session until it ends, and ending twice frees it once', () => {
    const tracker = new FileTransferTracker(1_000, () => 0);
    const endFirst = tracker.beginOutbound('s0');
    const endSecond = tracker.beginOutbound('s0');
    endFirst();
    endFirst();
    expect(tracker.inProgress('s0')).toBe(true);
    endSecond();
    expect(tracker.inProgress('s0')).toBe(false);
    expect(tracker.inProgress('s1')).toBe(false);
  });

  it('a file the bank sends holds its session until its last chunk is answered', () => {
    const tracker = new FileTransferTracker(1_000, () => 0);
    tracker.inboundActivity('s0', 'B_CHK01_20261121.gz');
    tracker.inboundActivity('s0', 'B_CHK02_20261121.gz');
    tracker.inboundEnded('s0', 'B_CHK01_20261121.gz');
    expect(tracker.inProgress('s0')).toBe(true);
    tracker.inboundEnded('s0', 'B_CHK02_20261121.gz');
    expect(tracker.inProgress('s0')).toBe(false);
  });

  it('a bank that stops sending a file mid-way no longer holds the session once nothing of it came for idleMs', () => {
    let now = 0;
    const tracker = new FileTransferTracker(1_000, () => now);
    tracker.inboundActivity('s0', 'B_CHK01_20261121.gz');
    now = 999;
    expect(tracker.inProgress('s0')).toBe(true);
    now = 1_000;
    expect(tracker.inProgress('s0')).toBe(false);
  });

  it('a closed session holds nothing', () => {
    const tracker = new FileTransferTracker(1_000, () => 0);
    tracker.beginOutbound('s0');
    tracker.inboundActivity('s0', 'B_CHK01_20261121.gz');
    tracker.sessionClosed('s0');
    expect(tracker.inProgress('s0')).toBe(false);
  });
});
