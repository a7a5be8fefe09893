import { bankCallCompleted, type EventEnvelope } from '@custody/contracts';
import { type AdapterLogger, describeError } from '../platform/adapter-logger';
import type { EnvelopePublisher } from '../platform/envelope.publisher';
import type { BankCallExecutor } from './bank-call.executor';
import type { BankCall, CallCompletion } from './bank-call.types';
import { KeyedSequencer } from './call-sequencer';
import type { CompletedCallStore } from './completed-call.store';

/**
 * The edge behind the `bankCallRequested` consumer: one call in, exactly one `bankCallCompleted` out,
 * and the consumer commits the offset only after this resolves (at-least-once).
 *
 * A redelivered call (same callId, e.g. after a crash between publishing and committing) is answered
 * from the completion record when Redis still has it: the same answer again, at no cost to the bank.
 * That record is only an optimisation. What keeps a call the saga already settled from reaching the
 * bank late is its `sendBy`, which the executor never lets a request pass: a redelivery comes after a
 * crash and a rebalance, long after the couple of seconds the saga allows, so without the record it is
 * NOT_SENT and nothing is written (after NOT_SENT the saga may already have failed the transfer and
 * released the hold; a real send then would create money). A redelivery still within its sendBy is sent
 * again, which the bank's idempotency by `Ref` makes harmless (bank-protocol.md §4). The saga applies
 * only the first completion per callId.
 *
 * Limit of that rule: a crash after the request was written but before its completion was recorded and
 * published leaves no trace of the write, so the redelivery (past sendBy) is NOT_SENT although the bank
 * may hold the request. Its `reason` names sendBy; for the saga it proves only that this delivery wrote
 * nothing. Taking it as final needs the crashed attempt ruled out, e.g. by a 12005 query, whose "never
 * seen" is final once sendBy has passed.
 *
 * The consumer runs several calls at once (windowed: the bank's sessions × maxInFlightPerSession), so
 * calls that share a fund account or a serial are still made one after another, in the order they
 * arrived: per account, the bank sees them in the order the single partition used to give; and a
 * call is never in flight twice (a duplicate on the wire, a redelivery next to its original, a
 * business re-send with the same `Ref`): the later one waits, then finds the completion record or
 * meets the bank's idempotency by `Ref`. Two copies of one `Ref` in flight at once would be refused
 * by the session as a duplicate (NOT_SENT beside a call that reached the bank) or race at the bank.
 * Calls of different accounts go out side by side.
 */
export class BankCallHandler {
  private readonly sequencer = new KeyedSequencer();

  constructor(
    private readonly bankCode: string,
    private readonly executor: BankCallExecutor,
    private readonly completed: CompletedCallStore,
    private readonly publisher: EnvelopePublisher,
    private readonly logger: AdapterLogger,
  ) {}

  async handle(envelope: EventEnvelope<BankCall>): Promise<void> {
    const call = envelope.payload;
    // Every adapter reads the one topic; calls for other banks are theirs.
    if (call.bankCode !== this.bankCode) return;
    await this.sequencer.run([`account:${call.fundAccountNo}`, `serial:${call.serialNo}`], () => this.makeCall(envelope));
  }

  private async makeCall(envelope: EventEnvelope<BankCall>): Promise<void> {
    const call = envelope.payload;
    const earlier = await this.completed.find(call.callId).catch((error: unknown) => {
      this.logger.debug({ callId: call.callId, error: describeError(error) }, 'completion record unavailable');
      return undefined;
    });
    if (earlier) {
      this.logger.info({ callId: call.callId, outcome: earlier.outcome }, 'redelivered call answered from its completion record; not sent again');
      await this.publish(earlier, envelope);
      return;
    }
    const completion = await this.executor.execute(call);
    await this.completed.remember(completion).catch((error: unknown) => {
      this.logger.warn({ callId: call.callId, error: describeError(error) }, 'completion record not written; a redelivery is decided again (never sent past its sendBy)');
    });
    this.logCompletion(call, completion);
    await this.publish(completion, envelope);
  }

  private publish(completion: CallCompletion, cause: EventEnvelope<BankCall>): Promise<void> {
    // Traffic *to* an adapter is keyed by bank; what comes back is account traffic (architecture.md), keyed by
    // fund account so the saga applies different accounts' completions in parallel and one account's in order.
    return this.publisher.publish(bankCallCompleted, completion, {
      key: cause.payload.fundAccountNo,
      correlationId: completion.callId,
      causationId: cause.id,
      businessDate: cause.payload.businessDate,
    });
  }

  private logCompletion(call: BankCall, completion: CallCompletion): void {
    const fields = {
      callId: call.callId,
      function: call.function,
      serialNo: call.serialNo,
      resend: call.resend,
      outcome: completion.outcome,
      returnCode: completion.returnCode,
      reason: completion.reason,
    };
    if (completion.outcome === 'REPLIED') this.logger.info(fields, 'bank call replied');
    else this.logger.warn(fields, completion.outcome === 'NOT_SENT' ? 'bank call not sent' : 'bank call sent but unanswered (UNKNOWN)');
  }
}
