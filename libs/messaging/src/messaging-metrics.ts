import { Counter, Gauge, type Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { ConsumerLag } from './consumer-lag';
import { OutboxBacklog, type OutboxBacklogFigures } from './outbox-backlog';
import { readOncePerScrape } from './scrape-read';

/**
 * The messaging platform's metrics for one process (docs/design.md "Metrics"), on the process's registry. Built once per
 * process; each consumer registers its lag here, each schema with an outbox its backlog. What the consumers count costs
 * a counter increment; the outbox is read only when scraped.
 */
export class MessagingMetrics {
  private readonly lags = new Set<ConsumerLag>();
  private readonly outboxes = new Map<string, { read(): Promise<OutboxBacklogFigures> }>();
  private readonly deadLetters: Counter<'topic'>;

  constructor(registry: Registry) {
    this.deadLetters = new Counter({
      name: 'custody_dead_letters_total',
      help: 'Messages dead-lettered by this process, by the topic they were read from: never applied until an operator replays them.',
      labelNames: ['topic'],
      registers: [registry],
    });
    const lags = this.lags;
    new Gauge({
      name: 'custody_consumer_lag',
      help: "Messages behind the partitions' high watermarks, summed over the partitions this process's consumers hold, per topic (as of each partition's last fetch).",
      labelNames: ['topic'],
      registers: [registry],
      collect() {
        this.reset();
        const sums = new Map<string, number>();
        for (const lag of lags) for (const [topic, behind] of lag.byTopic()) sums.set(topic, (sums.get(topic) ?? 0) + behind);
        for (const [topic, behind] of sums) this.set({ topic }, behind);
      },
    });
    const outboxes = this.outboxes;
    // Both gauges show figures of one read per schema and scrape, through the partial index of what waits.
    const outboxGauge = (name: string, help: string, figure: (figures: OutboxBacklogFigures) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['schema'],
        registers: [registry],
        async collect() {
          this.reset();
          for (const [schema, backlog] of outboxes) {
            // A schema that cannot be read (the database away) has no sample this scrape; the others still do.
            const figures = await backlog.read().catch(() => undefined);
            if (figures) this.set({ schema }, figure(figures));
          }
        },
      });
    outboxGauge('custody_outbox_unpublished', 'Outbox rows committed and not yet published to Kafka, per schema.', (f) => f.unpublished);
    outboxGauge('custody_outbox_oldest_unpublished_age_seconds', 'How long the oldest unpublished outbox row has waited, per schema; 0 when none waits.', (f) => f.oldestAgeSeconds);
  }

  /** A consumer's lag, counted in `custody_consumer_lag` from now on. */
  consumerLag(): ConsumerLag {
    const lag = new ConsumerLag();
    this.lags.add(lag);
    return lag;
  }

  deadLettered(topic: string): void {
    this.deadLetters.inc({ topic });
  }

  /** Reports the outbox of `schema` (once per schema, however many relays or consumers the process runs on it). */
  watchOutbox(dataSource: DataSource, schema: string): void {
    if (!this.outboxes.has(schema)) {
      const backlog = new OutboxBacklog(dataSource, schema);
      this.outboxes.set(schema, { read: readOncePerScrape(() => backlog.read()) });
    }
  }
}
