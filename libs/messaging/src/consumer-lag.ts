import type { Consumer } from 'kafkajs';

/** What kafkajs reports of a batch it hands over (its START_/END_BATCH_PROCESS instrumentation events). */
export interface BatchPosition {
  topic: string;
  partition: number;
  /** The partition's next offset as of the fetch, and the batch's own first and last offsets (decimal strings). */
  highWatermark: string;
  firstOffset: string;
  offsetLag: string;
}

/**
 * How far one consumer is behind on the partitions it holds: messages between its position and the partition's high
 * watermark as of the partition's last fetch. Set when a batch begins (its own messages counted, so a message holding
 * its partition shows) and when it ends. Between fetches it is not re-read: a partition nobody writes to keeps its
 * last figure, which is where its last batch left it. Partitions given up on a rebalance are forgotten.
 */
export class ConsumerLag {
  private readonly behind = new Map<string, Map<number, number>>();

  batchStarted(batch: BatchPosition): void {
    this.set(batch, Number(BigInt(batch.highWatermark) - BigInt(batch.firstOffset)));
  }

  batchEnded(batch: BatchPosition): void {
    this.set(batch, Number(batch.offsetLag));
  }

  /** The member's assignment after a rebalance: topic → partitions. */
  assigned(assignment: Record<string, number[]>): void {
    for (const [topic, partitions] of this.behind) {
      const held = new Set(assignment[topic] ?? []);
      for (const partition of partitions.keys()) if (!held.has(partition)) partitions.delete(partition);
      if (partitions.size === 0) this.behind.delete(topic);
    }
  }

  clear(): void {
    this.behind.clear();
  }

  /** Messages behind per topic, summed over the partitions held. */
  byTopic(): Map<string, number> {
    const sums = new Map<string, number>();
    for (const [topic, partitions] of this.behind) sums.set(topic, [...partitions.values()].reduce((a, b) => a + b, 0));
    return sums;
  }

  private set(batch: BatchPosition, messages: number): void {
    const partitions = this.behind.get(batch.topic) ?? new Map<number, number>();
    partitions.set(batch.partition, Math.max(0, messages));
    this.behind.set(batch.topic, partitions);
  }
}

/** Keeps `lag` up to date from a kafkajs consumer's own events: batches begun and ended, partitions assigned. */
export function followLag(consumer: Pick<Consumer, 'on' | 'events'>, lag: ConsumerLag): void {
  consumer.on(consumer.events.START_BATCH_PROCESS, (event) => lag.batchStarted(event.payload));
  consumer.on(consumer.events.END_BATCH_PROCESS, (event) => lag.batchEnded(event.payload));
  consumer.on(consumer.events.GROUP_JOIN, (event) => lag.assigned(event.payload.memberAssignment));
}
