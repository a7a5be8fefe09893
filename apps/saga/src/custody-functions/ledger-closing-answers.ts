import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { LedgerClosingDecision, LedgerReopening } from '@custody/contracts';
import { SagaStore, type SagaRow } from '../engine/saga-store';
import type { SagaKind } from '../engine/saga-store';
import { CustodianBankChangeSaga } from './custodian-bank-change.saga';
import { CustodyCancellationSaga } from './custody-cancellation.saga';

/** A flow whose first step closes a fund ledger (`close-ledger`): it takes the ledger's answers, its saga locked. */
export interface LedgerClosingFlow {
  readonly kind: SagaKind;
  onLedgerClosingDecided(manager: EntityManager, saga: SagaRow, decision: LedgerClosingDecision): Promise<void>;
  onLedgerReopened(manager: EntityManager, saga: SagaRow, reopening: LedgerReopening): Promise<void>;
}

/**
 * Hands the transfer service's answers to a ledger closing (`ledger.closing-decided`, `ledger.reopened`) to the saga
 * that asked, found by the function's id among the flows that close ledgers (F-3.8, F-3.6).
 */
@Injectable()
export class LedgerClosingAnswers {
  private readonly logger = new Logger(LedgerClosingAnswers.name);
  private readonly flows: readonly LedgerClosingFlow[];

  constructor(
    private readonly store: SagaStore,
    cancellations: CustodyCancellationSaga,
    bankChanges: CustodianBankChangeSaga,
  ) {
    this.flows = [cancellations, bankChanges];
  }

  async decided(manager: EntityManager, decision: LedgerClosingDecision): Promise<void> {
    const found = await this.sagaOf(manager, decision.functionId);
    if (found) await found.flow.onLedgerClosingDecided(manager, found.saga, decision);
  }

  async reopened(manager: EntityManager, reopening: LedgerReopening): Promise<void> {
    const found = await this.sagaOf(manager, reopening.functionId);
    if (found) await found.flow.onLedgerReopened(manager, found.saga, reopening);
  }

  private async sagaOf(manager: EntityManager, functionId: string): Promise<{ flow: LedgerClosingFlow; saga: SagaRow } | undefined> {
    for (const flow of this.flows) {
      const saga = await this.store.lockBySubject(manager, flow.kind, functionId);
      if (saga) return { flow, saga };
    }
    // Only a saga asks for a closing, so its answer finds it, unless retention removed it long after it ended.
    this.logger.warn({ functionId }, 'a ledger closing answered for a function no saga runs; ignored');
    return undefined;
  }
}
