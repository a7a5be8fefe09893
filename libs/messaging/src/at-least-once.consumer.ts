import type { TopicDef } from '@custody/contracts';
import { ConsumerEngine, EngineBackedConsumer, type ConsumerOptions } from './consumer.engine';
import type { EffectScope } from './effect-scope';
import type { EnvelopeHandler } from './message-publisher';
import type { WindowedConsumption } from './windowed.dispatcher';

export interface AtLeastOnceConsumerOptions extends ConsumerOptions {
  /**
   * Opt-in: up to `windowed.maxInFlight` messages of one partition are handled at the same time
   * (started in offset order, finishing in any order). The committed offset of a partition only ever
   * moves past messages that finished, so a crash delivers every unfinished one again. For handlers
   * that are idempotent and do not need one partition's effects in order. Without it: one message at
   * a time per partition, committed in order.
   */
  windowed?: WindowedConsumption;
}

/** Nothing holds the handler's effects together: each handler call is its own. */
const NO_SCOPE: EffectScope<undefined> = { run: (work) => work(undefined) };

/**
 * For processes without a database of their own (the bank adapter keeps its state in Redis): the
 * offset is committed after the handler resolves, so a crash in between delivers the message again.
 * Handlers must therefore be idempotent themselves (e.g. `SET key NX` on the message id, or a bank
 * call whose serial makes a repeat harmless). Validation, dead-lettering and the retry policy are
 * the same as the transactional consumer's.
 *
 * `windowed` lets a partition that carries many independent messages (all calls to one bank share one
 * key) keep several handlers in flight instead of waiting for each in turn.
 */
export class AtLeastOnceConsumer extends EngineBackedConsumer<undefined> {
  constructor(options: AtLeastOnceConsumerOptions) {
    const { windowed, ...common } = options;
    super(new ConsumerEngine(common, NO_SCOPE, { windowed }));
  }

  subscribe<T>(topic: TopicDef<T>, handler: EnvelopeHandler<T>): this {
    this.route(topic, async (envelope) => {
      await handler(envelope);
      return 'applied';
    });
    return this;
  }
}
