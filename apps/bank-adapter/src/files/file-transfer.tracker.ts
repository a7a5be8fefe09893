/**
 * Which sessions carry a file transfer now, either way: a step of ours sending or fetching on it, or the bank
 * sending us a file (13008 to its last chunk) or fetching one of ours (13006 to the chunk with `LstFrag` Y).
 * Profile §7 step 8: keys roll (10004) only on a session with no file transfer in progress, since nothing else
 * may cross a key sync on its session and a chunk caught on either side of it would be checked with the wrong
 * keys.
 *
 * The bank's side of a transfer has no end we are told of when it gives up, so a file of the bank's counts as
 * in progress only while it moves: until its last chunk is answered, it is refused, or nothing of it has come
 * for `idleMs`.
 */
export class FileTransferTracker {
  private readonly outbound = new Map<string, number>();
  private readonly inbound = new Map<string, Map<string, number>>();

  constructor(
    private readonly idleMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** A step of ours starts on the session; call the returned function when it ends, however it ends. */
  beginOutbound(sessionId: string): () => void {
    this.outbound.set(sessionId, (this.outbound.get(sessionId) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.outbound.get(sessionId) ?? 1) - 1;
      if (left > 0) this.outbound.set(sessionId, left);
      else this.outbound.delete(sessionId);
    };
  }

  /** A request of the bank's about `fileName` arrived on the session (13006–13009). */
  inboundActivity(sessionId: string, fileName: string): void {
    const files = this.inbound.get(sessionId) ?? new Map<string, number>();
    files.set(fileName, this.clock());
    this.inbound.set(sessionId, files);
  }

  /** That file's transfer ended on the session: its last chunk answered, or refused and discarded. */
  inboundEnded(sessionId: string, fileName: string): void {
    const files = this.inbound.get(sessionId);
    files?.delete(fileName);
    if (files?.size === 0) this.inbound.delete(sessionId);
  }

  sessionClosed(sessionId: string): void {
    this.outbound.delete(sessionId);
    this.inbound.delete(sessionId);
  }

  inProgress(sessionId: string): boolean {
    if ((this.outbound.get(sessionId) ?? 0) > 0) return true;
    const files = this.inbound.get(sessionId);
    if (!files) return false;
    const now = this.clock();
    for (const [fileName, lastSeen] of files) {
      if (now - lastSeen < this.idleMs) return true;
      files.delete(fileName);
    }
    this.inbound.delete(sessionId);
    return false;
  }
}
