import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type BankBalanceQueryRequest, custodyFunctionResolved } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import { BankCallSaga, type Transition } from '../engine/bank-call-saga';
import type { Completion } from '../engine/saga-flow';
import { SagaStore, type SagaRow } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { type BankBalanceQueryPayload, bankBalanceQueryPayload } from './bank-balance-query.payload';
import { decideQuery } from './query-decisions';
import { sendBankBalanceQuery } from './send-bank-balance-query.step';

/** The one call of a query: it is never resent (`decideQuery`). */
type QueryPurpose = 'ORIGINAL';

/**
 * F-3.10 S: the customer asks, through the broker, the balance of the bank settlement account (11009). One call;
 * its answer — the balances, the bank's refusal, or that the bank did not answer — goes to the relationship's owner
 * as `custody.function-resolved`.
 */
@Injectable()
export class BankBalanceQuerySaga extends BankCallSaga<BankBalanceQueryPayload, QueryPurpose> {
  readonly kind = 'BANK_BALANCE_QUERY';
  protected readonly payload = bankBalanceQueryPayload;
  protected readonly unnamedNextCall = 'ORIGINAL';

  constructor(
    store: SagaStore,
    calls: BankCallIssuer,
    private readonly outbox: Outbox,
    private readonly days: DayCycleService,
  ) {
    super(store, calls);
  }

  async start(manager: EntityManager, request: BankBalanceQueryRequest): Promise<void> {
    const payload: BankBalanceQueryPayload = { ...request, businessDate: await this.days.dateOfNewMovement(manager, request.bankCode) };
    const saga = await this.store.create(manager, this.kind, request.functionId, request.bankCode, payload);
    if (saga) await this.call(this.contextOf(manager, { ...saga, payload }), 'ORIGINAL');
  }

  protected contextOf(manager: EntityManager, saga: SagaRow<BankBalanceQueryPayload>): StepContext<BankBalanceQueryPayload> {
    return { manager, saga };
  }

  protected async callFor(_purpose: QueryPurpose, ctx: StepContext<BankBalanceQueryPayload>): Promise<BankCallCommand> {
    return (await sendBankBalanceQuery.invoke(ctx.saga.payload, ctx)).output;
  }

  protected async decide(_purpose: QueryPurpose, completion: Completion, { manager, saga }: StepContext<BankBalanceQueryPayload>): Promise<Transition<QueryPurpose>> {
    const verdict = decideQuery(completion, (c) => c.bankBalances !== undefined);
    const { bankPassword: _sealed, ...query } = saga.payload;
    await this.outbox.add(manager, custodyFunctionResolved, {
      ...query,
      ...verdict,
      ...(completion.bankSerialNo ? { bankSerialNo: completion.bankSerialNo } : {}),
      ...(verdict.status === 'SUCCEEDED' ? { bankBalances: completion.bankBalances } : {}),
    }, { key: query.fundAccountNo });
    return { state: 'DONE' };
  }
}
