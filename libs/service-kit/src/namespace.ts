import type { EventEnvelope, TopicDef } from '@custody/contracts';
import { deadLetterTopic } from '@custody/contracts';
import { Outbox, type EnvelopeOptions } from '@custody/messaging';
import type { EntityManager } from 'typeorm';

/**
 * A stack's namespace (`CUSTODY_NAMESPACE`) prefixes its Kafka topics and consumer groups, so a system
 * test stack and a developer's running stack can share one broker without reading each other's
 * messages. Production runs with the empty namespace and the contract's topic names unchanged.
 */
export class TopicNamespace {
  constructor(readonly prefix: string) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): TopicNamespace {
    const ns = env.CUSTODY_NAMESPACE ?? '';
    if (ns && !/^[a-z0-9-]{1,32}$/.test(ns)) throw new Error('CUSTODY_NAMESPACE must be 1-32 of a-z, 0-9, -');
    // The developer stack keeps the plain names; any other namespace is a separate world.
    return new TopicNamespace(ns === 'local' ? '' : ns);
  }

  name(topicName: string): string {
    return this.prefix ? `${this.prefix}.${topicName}` : topicName;
  }

  /** A broker's topic name as the contract names it, or undefined when the topic is not of this namespace. */
  contractName(topicName: string): string | undefined {
    if (!this.prefix) return topicName;
    return topicName.startsWith(`${this.prefix}.`) ? topicName.slice(this.prefix.length + 1) : undefined;
  }

  topic<T, I>(def: TopicDef<T, I>): TopicDef<T, I> {
    return { ...def, name: this.name(def.name) };
  }

  group(groupId: string): string {
    return this.name(groupId);
  }

  get deadLetterTopic(): string {
    return this.name(deadLetterTopic);
  }
}

/** The outbox a service injects: same contract, topic names in the stack's namespace. */
export class NamespacedOutbox extends Outbox {
  constructor(
    schema: string,
    private readonly namespace: TopicNamespace,
  ) {
    super(schema);
  }

  override add<T, I>(manager: EntityManager, topic: TopicDef<T, I>, payload: I, options: EnvelopeOptions): Promise<EventEnvelope<T>> {
    return super.add(manager, this.namespace.topic(topic), payload, options);
  }
}
