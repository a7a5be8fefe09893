import { Injectable, Logger } from '@nestjs/common';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import type { Transition } from '../engine/bank-call-saga';
import type { Completion } from '../engine/saga-flow';
import { SagaStore } from '../engine/saga-store';
import { type CancellationCallPurpose, decideCancellation } from './cancellation-decisions';
import type { LedgerStepContext } from './close-ledger.step';
import { type CustodyCancellationPayload, custodyCancellationPayload } from './custody-cancellation.payload';
import { LedgerClosingSaga } from './ledger-closing.saga';
import { sendCustodyCancellation } from './send-custody-cancellation.step';

/**
 * F-3.8 S: the broker cancels a custody relationship (11004). Three steps, each waiting for the one before:
 * 1. `close-ledger`: the transfer service closes the fund ledger — only with zero balance, nothing held or frozen and
 *    no transfer in flight (its refusal fails the request, nothing else happens) — so no transfer or hold slips in
 *    between the check and the bank's answer;
 * 2. `send-custody-cancellation`: the 11004 with `ScBal` the balance the ledger closed at (0.00), sent again with the
 *    same serial until the bank answers definitely (`decideCancellation`);
 * 3. the verdict (`custody.function-resolved`): on 0000 the transfer service cancels the ledger and account the
 *    relationship (the day's 11004); on the bank's refusal the first step's compensation opens the ledger again
 *    first, and only once it is open is the refusal the verdict.
 */
@Injectable()
export class CustodyCancellationSaga extends LedgerClosingSaga<CustodyCancellationPayload, CancellationCallPurpose> {
  readonly kind = 'CUSTODY_CANCELLATION';
  protected readonly payload = custodyCancellationPayload;
  protected readonly unnamedNextCall = 'RESEND';
  protected readonly closingPurpose = 'CANCELLATION';
  protected readonly firstCall = 'ORIGINAL';
  private readonly logger = new Logger(CustodyCancellationSaga.name);

  constructor(store: SagaStore, calls: BankCallIssuer, outbox: Outbox, days: DayCycleService) {
    super(store, calls, outbox, days);
  }

  protected async callFor(purpose: CancellationCallPurpose, ctx: LedgerStepContext<CustodyCancellationPayload>): Promise<BankCallCommand> {
    return (await sendCustodyCancellation.invoke({ ...ctx.saga.payload, balanceLeaving: this.balanceOf(ctx.saga), resend: purpose === 'RESEND' }, ctx)).output;
  }

  protected async decide(purpose: CancellationCallPurpose, completion: Completion, ctx: LedgerStepContext<CustodyCancellationPayload>): Promise<Transition<CancellationCallPurpose>> {
    const { manager, saga } = ctx;
    const decision = decideCancellation(purpose, completion, saga.attempt);
    switch (decision.outcome) {
      case 'CANCELLED':
        await this.resolve(manager, saga.payload, { status: 'SUCCEEDED', ...(completion.bankSerialNo ? { bankSerialNo: completion.bankSerialNo } : {}) });
        return { state: 'DONE' };
      case 'REFUSED':
        this.logger.warn({ functionId: saga.subject_id, bankCode: saga.bank_code, failure: decision.failure }, 'cancellation refused by the bank; the ledger reopens before the caller is told');
        return this.reopenLedger(ctx, decision.failure);
      case 'UNKNOWN':
        return { state: 'UNKNOWN', next: decision.next };
    }
  }
}
