/** How much of one partition a windowed consumer may have taken and not yet committed. */
export interface OffsetWindowLimits {
  /** Messages whose handling has begun and not finished. */
  maxInFlight: number;
  /**
   * Messages between the commit point and the newest one taken, finished or not. Finished messages
   * above an unfinished one cannot be committed yet and are delivered again after a crash, so this
   * bounds both that redelivery and the memory a stuck message can pin.
   */
  maxUncommitted: number;
}

interface Entry {
  readonly offset: bigint;
  finished: boolean;
}

/**
 * The bookkeeping of one partition in a windowed consumer, without any Kafka in it: which offsets were
 * taken, which finished (in any order), and how far the committed offset may go. The commit point is
 * the offset just past the longest run of finished messages starting at the oldest one taken, so it
 * never passes an unfinished message: whatever was not finished is read again by the next owner.
 *
 * Offsets are compared as numbers (bigint), never as text, and need not be contiguous: compaction and
 * transaction markers leave gaps that Kafka never delivers.
 */
export class OffsetWindow {
  /** Taken offsets at or above the commit point, ascending. Finished ones wait here for the older ones. */
  private readonly entries: Entry[] = [];
  private unfinished = 0;
  /** Every offset below this one has finished; undefined until the oldest message taken finished. */
  private next: bigint | undefined;

  constructor(private readonly limits: OffsetWindowLimits) {
    if (!Number.isInteger(limits.maxInFlight) || limits.maxInFlight < 1) throw new Error(`maxInFlight must be a positive integer, not ${limits.maxInFlight}`);
    if (!Number.isInteger(limits.maxUncommitted) || limits.maxUncommitted < limits.maxInFlight) {
      throw new Error(`maxUncommitted (${limits.maxUncommitted}) must be an integer of at least maxInFlight (${limits.maxInFlight})`);
    }
  }

  /** Messages taken and not finished. */
  get inFlight(): number {
    return this.unfinished;
  }

  /** Messages taken and not yet below the commit point (finished or not). */
  get uncommitted(): number {
    return this.entries.length;
  }

  /** Whether one more message may be taken now. */
  get hasRoom(): boolean {
    return this.unfinished < this.limits.maxInFlight && this.entries.length < this.limits.maxUncommitted;
  }

  /** The offset to commit (the next one to read), or undefined while nothing can be committed. */
  get commitPoint(): string | undefined {
    return this.next?.toString();
  }

  /** Offsets taken and not finished, oldest first: what a crash now would deliver again, besides the finished ones above them. */
  unfinishedOffsets(): string[] {
    return this.entries.filter((entry) => !entry.finished).map((entry) => entry.offset.toString());
  }

  /**
   * Whether this offset was taken already: below the commit point (finished) or in the window. After a
   * rebalance kafkajs fetches again from the committed offset, which may lie behind the window.
   */
  isKnown(offset: string): boolean {
    const value = BigInt(offset);
    if (this.next !== undefined && value < this.next) return true;
    return this.indexOf(value) >= 0;
  }

  /** Takes a message into the window. The caller checks `hasRoom` and `isKnown` first; anything else is a bug. */
  admit(offset: string): void {
    const value = BigInt(offset);
    if (this.isKnown(offset)) throw new Error(`offset ${offset} is already in the window`);
    if (!this.hasRoom) throw new Error(`no room in the window for offset ${offset}`);
    // Offsets arrive in ascending order; the search only matters if that ever stops being true.
    const last = this.entries[this.entries.length - 1];
    const at = last === undefined || last.offset < value ? this.entries.length : this.insertionPoint(value);
    this.entries.splice(at, 0, { offset: value, finished: false });
    this.unfinished += 1;
  }

  /**
   * Marks a message finished (its handler resolved, or it was dead-lettered). Returns the new commit
   * point when it moved, undefined when an older message is still unfinished.
   */
  finish(offset: string): string | undefined {
    const index = this.indexOf(BigInt(offset));
    const entry = this.entries[index];
    if (entry === undefined || entry.finished) throw new Error(`offset ${offset} is not an unfinished message of this window`);
    entry.finished = true;
    this.unfinished -= 1;
    let moved = false;
    for (let head = this.entries[0]; head !== undefined && head.finished; head = this.entries[0]) {
      this.entries.shift();
      this.next = head.offset + 1n;
      moved = true;
    }
    return moved ? this.commitPoint : undefined;
  }

  private indexOf(value: bigint): number {
    const at = this.insertionPoint(value);
    return this.entries[at]?.offset === value ? at : -1;
  }

  /** The first index whose offset is not below `value` (binary search over the ascending entries). */
  private insertionPoint(value: bigint): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.entries[middle].offset < value) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
