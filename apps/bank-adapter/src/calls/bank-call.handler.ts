import { bankCallCompleted, type EventEnvelope } from '@custody/contracts';
import { inSpan } from '@custody/messaging';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type AdapterLogger, describeError } from '../platform/adapter-logger';
import type { EnvelopePublisher } from '../platform/envelope.publisher';
import type { BankCallExecutor, MonotonicClock } from './bank-call.executor';
import type { BankCall, CallCompletion } from './bank-call.types';
import { KeyedSequencer } from './call-sequencer';
import type { CompletedCallStore } from './completed-call.store';

/**
 * The edge behind the consumer of the bank's calls (`bankCallRequestedFor` its bank): one call in, exactly one `bankCallCompleted` out,
 * and the consumer commits the offset only after this resolves (at-least-once).
 *
 * A call is redelivered when the adapter that took it crashed, or lost its partition to another replica
 * (a rolling deploy, a scale-up, a long pause), before committing. What keeps a redelivery from
 * contradicting the first delivery is the call's durable claim (`CallClaims`, checked by the executor on
 * every replica): the first delivery to claim a call is the only one that may write it, and a call is
 * reported NOT_SENT only once it is fenced off for good. A redelivery finds the call claimed and writes
 * nothing; it is then answered from the completion record when Redis still has it — the first delivery's
 * answer again, at no cost to the bank — and otherwise from the claim: NO_REPLY (the first copy may be at
 * the bank; the saga asks the bank) or NOT_SENT again. The record is only that optimisation. The saga
 * applies only the first completion per callId.
 *
 * The consumer runs several calls at once (windowed: the bank's sessions × maxInFlightPerSession), so
 * calls that share a fund account or a serial are still made one after another, in the order they
 * arrived: per account, the bank sees them in the order the single partition used to give; and a
 * call is never in flight twice (a duplicate on the wire, a redelivery next to its original, a
 * business re-send with the same `Ref`): the later one waits, then finds the completion record or
 * the claim. Two copies of one `Ref` in flight at once would be refused by the session as a duplicate
 * or race at the bank. Calls of different accounts go out side by side. A call's send budget runs from
 * when it reached this handler, waiting in that line included.
 */
export class BankCallHandler {
  private readonly sequencer = new KeyedSequencer();

  constructor(
    private readonly executor: BankCallExecutor,
    private readonly completed: CompletedCallStore,
    private readonly publisher: EnvelopePublisher,
    private readonly logger: AdapterLogger,
    private readonly clock: MonotonicClock = () => performance.now(),
  ) {}

  async handle(envelope: EventEnvelope<BankCall>): Promise<void> {
    const call = envelope.payload;
    const receivedAt = this.clock();
    // A day call (13012, 13011, 13010) is about no account: only its serial keeps it from racing a copy of itself.
    const keys = call.fundAccountNo === undefined ? [`serial:${call.serialNo}`] : [`account:${call.fundAccountNo}`, `serial:${call.serialNo}`];
    await this.sequencer.run(keys, () => this.makeCall(envelope, receivedAt));
  }

  private async makeCall(envelope: EventEnvelope<BankCall>, receivedAt: number): Promise<void> {
    const call = envelope.payload;
    const completion = await this.tracedCall(call, receivedAt);
    // A redelivery never gets a reply of its own: it finds the call claimed, writes nothing and answers from the claim
    // (NO_REPLY or NOT_SENT). Only then is the record worth a round trip to Redis (issue 9: it was asked before every
    // call, and nearly always had nothing); what it holds is the first delivery's answer, the one to give again.
    if (completion.outcome !== 'REPLIED') {
      const earlier = await this.completed.find(call.callId).catch((error: unknown) => {
        this.logger.debug({ callId: call.callId, error: describeError(error) }, 'completion record unavailable');
        return undefined;
      });
      if (earlier) {
        this.logger.info({ callId: call.callId, outcome: earlier.outcome }, 'redelivered call answered from its completion record; not sent again');
        await this.publish(earlier, envelope);
        return;
      }
    }
    await this.completed.remember(completion).catch((error: unknown) => {
      this.logger.warn({ callId: call.callId, error: describeError(error) }, 'completion record not written; a redelivery is answered from the call\'s claim');
    });
    this.logCompletion(call, completion);
    await this.publish(completion, envelope);
  }

  /**
   * The call's span in the transfer's trace: the bank, the function, our serial and how the bank answered. Codes and
   * serials only — the call's passwords and ID numbers are never attributes.
   */
  private tracedCall(call: BankCall, receivedAt: number): Promise<CallCompletion> {
    const attributes = { 'custody.bank.code': call.bankCode, 'custody.bank.function': call.function, 'custody.bank.serial_no': call.serialNo, 'custody.bank.resend': call.resend };
    return inSpan(context.active(), { name: `bank call ${call.function}`, kind: SpanKind.CLIENT, attributes }, async (span) => {
      const completion = await this.executor.execute(call, receivedAt);
      span.setAttribute('custody.bank.outcome', completion.outcome);
      if (completion.returnCode !== undefined) span.setAttribute('custody.bank.return_code', completion.returnCode);
      if (completion.bankSerialNo !== undefined) span.setAttribute('custody.bank.bank_serial_no', completion.bankSerialNo);
      if (completion.outcome !== 'REPLIED') span.setStatus({ code: SpanStatusCode.ERROR, message: completion.outcome });
      return completion;
    });
  }

  private publish(completion: CallCompletion, cause: EventEnvelope<BankCall>): Promise<void> {
    // Traffic *to* an adapter is keyed by bank; what comes back is account traffic (architecture.md), keyed by
    // fund account so the saga applies different accounts' completions in parallel and one account's in order
    // (a day call, about no account, by its bank).
    return this.publisher.publish(bankCallCompleted, completion, {
      key: cause.payload.fundAccountNo ?? cause.payload.bankCode,
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
    // A reply is the normal case, once per call: debug (issue 9); what needs an operator's eye stays a warning.
    if (completion.outcome === 'REPLIED') this.logger.debug(fields, 'bank call replied');
    else this.logger.warn(fields, completion.outcome === 'NOT_SENT' ? 'bank call not sent' : 'bank call sent but unanswered (UNKNOWN)');
  }
}
