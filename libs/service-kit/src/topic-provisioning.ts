import * as contracts from '@custody/contracts';
import { bankCallRequestedFor, bankReplyReadyFor, type TopicDef } from '@custody/contracts';
import { ensureTopics } from '@custody/messaging';
import type { Kafka } from 'kafkajs';
import type { CustodyConfig } from './custody-config';
import type { TopicNamespace } from './namespace';

/** Partitions of every topic the services create (one key's messages stay in order within one). */
export const TOPIC_PARTITIONS = 8;

function isContractTopic(value: unknown): value is TopicDef<unknown> {
  const candidate = value as Partial<TopicDef<unknown>> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.name === 'string' && candidate.name.startsWith('custody.internal.') && typeof candidate.version === 'number';
}

/**
 * Every topic of a cluster for this configuration: each topic the contracts define (libs/contracts, the one place
 * where the services' topics are named), each configured bank's calls and replies topics and the dead-letter topic. A superset of
 * what any one service creates at its start, so a cluster provisioned with it needs no service to create a topic.
 */
export function clusterTopics(config: CustodyConfig, namespace: TopicNamespace): string[] {
  const perBank = config.banks.flatMap((bank) => [bankCallRequestedFor(bank.code), bankReplyReadyFor(bank.code)]);
  const topics = [...(Object.values(contracts) as unknown[]).filter(isContractTopic), ...perBank];
  return [...new Set(topics.map((topic) => namespace.name(topic.name)))].concat(namespace.deadLetterTopic).sort();
}

/** `main.js provision-topics`, the body of the topic provisioning Job: creates what is missing, returns what it created. */
export function provisionTopics(kafka: Kafka, config: CustodyConfig, namespace: TopicNamespace): Promise<string[]> {
  return ensureTopics(kafka, clusterTopics(config, namespace), { partitions: TOPIC_PARTITIONS });
}
