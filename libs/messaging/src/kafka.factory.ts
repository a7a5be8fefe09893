import { Kafka, Partitioners, logLevel, type KafkaConfig, type Producer } from 'kafkajs';
import { mendKafkaJsIdleLoop } from './kafkajs-idle-loop.mend';

export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

/** `KAFKA_BROKERS` is a comma-separated list; the local broker of tools/kafka/kafka.sh by default. */
export function kafkaBrokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['KAFKA_BROKERS'] || DEFAULT_KAFKA_BROKERS)
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
}

export function createKafka(options: { clientId: string; brokers?: string[] } & Partial<Omit<KafkaConfig, 'clientId' | 'brokers'>>): Kafka {
  const { clientId, brokers, ...rest } = options;
  // Before the first connection: every broker connection of the process has the queue it mends.
  mendKafkaJsIdleLoop();
  return new Kafka({ logLevel: logLevel.WARN, ...rest, clientId, brokers: brokers ?? kafkaBrokersFromEnv() });
}

/**
 * The producer every part of the messaging library uses: idempotent (the broker drops the duplicates
 * its own retries would create) with one request in flight, so a retried batch cannot overtake the
 * next one and per-partition order holds. The Java-compatible partitioner keeps key → partition the
 * same as any other client's.
 */
export function createIdempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: true,
  });
}
