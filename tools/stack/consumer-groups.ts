import { setTimeout as sleep } from 'node:timers/promises';
import { type Kafka, logLevel } from 'kafkajs';
import { createKafka } from '@custody/messaging';

const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance']);

/**
 * The stack's consumer groups as Kafka sees them. A SIGKILLed process leaves its group members behind
 * until their session times out, and its partitions wait for that; a restarted service is only really
 * back once those members are gone and its groups have rebalanced.
 */
export class StackConsumerGroups {
  private readonly kafka: Kafka;

  constructor(
    brokers: string,
    private readonly namespace: string,
  ) {
    this.kafka = createKafka({ clientId: `${namespace}-stack-control`, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  }

  private async describe() {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ids = (await admin.listGroups()).groups.map((g) => g.groupId).filter((id) => id.startsWith(`${this.namespace}.`));
      return ids.length === 0 ? [] : (await admin.describeGroups(ids)).groups;
    } finally {
      await admin.disconnect();
    }
  }

  /** The members a service's process holds (its Kafka clientId is the service's name). */
  async membersOf(clientId: string): Promise<string[]> {
    return (await this.describe()).flatMap((g) => g.members.filter((m) => m.clientId === clientId).map((m) => m.memberId));
  }

  /** Until none of `memberIds` is left in any group and no group of the stack is rebalancing. */
  async waitGone(memberIds: string[], timeoutMs: number): Promise<void> {
    const gone = new Set(memberIds);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const groups = await this.describe();
      const lingering = groups.filter((g) => g.members.some((m) => gone.has(m.memberId)) || REBALANCING.has(g.state));
      if (lingering.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`consumer groups not settled within ${timeoutMs / 1000} s: ${lingering.map((g) => `${g.groupId} (${g.state})`).join(', ')}`);
      }
      await sleep(500);
    }
  }
}
