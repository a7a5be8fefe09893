import { ConfigResourceTypes, type Kafka } from 'kafkajs';

/**
 * How long after it was written a message of these topics can still be delivered (again): a consumer group
 * whose offsets are lost (a reset, a group gone longer than `offsets.retention.minutes`) re-reads everything
 * still in the log. Kafka deletes whole segments, and only once the newest message of a segment is older than
 * `retention.ms`; a segment is closed after `segment.ms` at the latest. So a message stays at most
 * `segment.ms + retention.ms` (with Kafka's defaults 7 + 7 days). `Infinity` when some topic keeps messages
 * forever (`retention.ms` -1, or compaction).
 */
export async function redeliveryHorizonMs(kafka: Kafka, topics: readonly string[]): Promise<number> {
  if (topics.length === 0) return 0;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [...new Set(topics)].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'segment.ms', 'cleanup.policy'] })),
    });
    return Math.max(
      ...resources.map((resource) => {
        if (resource.errorCode !== 0) throw new Error(`cannot read the configuration of topic ${resource.resourceName}: ${resource.errorMessage}`);
        const value = (name: string) => resource.configEntries.find((entry) => entry.configName === name)?.configValue;
        const retentionMs = Number(value('retention.ms'));
        const segmentMs = Number(value('segment.ms'));
        if ((value('cleanup.policy') ?? '').includes('compact') || retentionMs < 0) return Infinity;
        if (!Number.isFinite(retentionMs) || !Number.isFinite(segmentMs)) throw new Error(`topic ${resource.resourceName} reports no retention.ms or segment.ms`);
        return retentionMs + segmentMs;
      }),
    );
  } finally {
    await admin.disconnect();
  }
}
