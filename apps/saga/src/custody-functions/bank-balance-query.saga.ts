import { Injectable } from '@nestjs/common';
import { Outbox } from '@custody/messaging';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import type { Completion } from '../engine/saga-flow';
import { SagaStore } from '../engine/saga-store';
import type { StepContext } from '../engine/step';
import { type BankBalanceQueryPayload, bankBalanceQueryPayload } from './bank-balance-query.payload';
import { QueryAtBankSaga } from './query-at-bank.saga';
import { decideQuery } from './query-decisions';
import { sendBankBalanceQuery } from './send-bank-balance-query.step';

/**
 * F-3.10 S: the customer asks, through the broker, the balance of the bank settlement account (11009). Its answer is
 * the balances, the bank's refusal, or that the bank did not answer.
 */
@Injectable()
export class BankBalanceQuerySaga extends QueryAtBankSaga<BankBalanceQueryPayload> {
  readonly kind = 'BANK_BALANCE_QUERY';
  protected readonly payload = bankBalanceQueryPayload;

  constructor(store: SagaStore, calls: BankCallIssuer, outbox: Outbox, days: DayCycleService) {
    super(store, calls, outbox, days);
  }

  protected async callFor(_purpose: 'ORIGINAL', ctx: StepContext<BankBalanceQueryPayload>): Promise<BankCallCommand> {
    return (await sendBankBalanceQuery.invoke(ctx.saga.payload, ctx)).output;
  }

  protected answerOf(completion: Completion) {
    const verdict = decideQuery(completion, (c) => c.bankBalances !== undefined);
    return verdict.status === 'SUCCEEDED' ? { ...verdict, bankBalances: completion.bankBalances } : verdict;
  }
}
