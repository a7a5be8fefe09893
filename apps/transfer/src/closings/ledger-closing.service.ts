import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type LedgerClosingRequest, ledgerClosingDecided, type LedgerReopeningRequest, ledgerReopened } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { Money } from '@custody/money';
import { LedgerRepository } from '../ledger/ledger.repository';
import { TransferRepository } from '../transfers/transfer.repository';
import { type ClosingDecision, closingDecision } from './ledger-closing-rules';
import { type LedgerClosing, LedgerClosingRepository } from './ledger-closing.repository';

/** The ledger a function closed, named as every closing message names it. */
type ClosedLedger = Pick<LedgerClosingRequest, 'functionId' | 'fundAccountNo' | 'currency' | 'bankCode'>;

/**
 * A fund ledger closed while the bank decides on its relationship (domain.md F-3.8): the saga's first step asks for
 * it (`ledger.closing-requested`), its compensation reopens it (`ledger.reopening-requested`, the bank refused), and
 * the function's success ends it (`custody.function-resolved`: the ledger is cancelled). The checks of F-3.8 are made
 * here, under the ledger's row lock, the lock every transfer and hold takes first: a transfer or hold placed before
 * the closing is seen by its checks, one after it finds the ledger closed (`assertNotClosed`). Every request is
 * idempotent by the function's id: a repeat is answered as the first was.
 */
@Injectable()
export class LedgerClosingService {
  private readonly logger = new Logger(LedgerClosingService.name);

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly transfers: TransferRepository,
    private readonly closings: LedgerClosingRepository,
    private readonly outbox: Outbox,
  ) {}

  async close(manager: EntityManager, request: LedgerClosingRequest): Promise<void> {
    const account = await this.ledger.lock(manager, request.fundAccountNo, request.currency);
    const earlier = await this.closings.lock(manager, request.functionId);
    if (earlier) return this.answer(manager, request, decisionOf(earlier));
    const decision = closingDecision(request, {
      ledger: account ? { ...account, balance: this.ledger.figures(account).balance } : undefined,
      transfersInFlight: account ? await this.transfers.countInFlight(manager, request.fundAccountNo, request.currency) : 0,
      tradingHeld: account ? await this.ledger.tradingHeld(manager, request.fundAccountNo, request.currency) : Money.zero(),
    });
    const { functionId, fundAccountNo, currency, bankCode, purpose } = request;
    if (decision.decision === 'CLOSE') {
      await this.closings.insert(manager, { functionId, fundAccountNo, currency, bankCode, purpose, status: 'CLOSED', balance: decision.balance, refusal: null });
      // Checked above: a ledger closes only when it exists.
      await this.ledger.setClosedFor(manager, account!, functionId);
      this.logger.log({ functionId, fundAccountNo, currency, bankCode, purpose }, 'ledger closed while the bank decides on its relationship');
    } else {
      await this.closings.insert(manager, { functionId, fundAccountNo, currency, bankCode, purpose, status: 'REFUSED', balance: null, refusal: { code: decision.code, message: decision.message } });
      this.logger.warn({ functionId, fundAccountNo, currency, bankCode, purpose, code: decision.code, why: decision.message }, 'ledger not closed; nothing changed');
    }
    await this.answer(manager, request, decision);
  }

  /**
   * The saga's compensation: the bank refused the function, the ledger takes transfers again. A ledger the function
   * never closed (refused, or never asked) is answered as reopened, changing nothing; one it closed and ended (the
   * function took effect) cannot be reopened — a saga asking for that is a fault, thrown for an operator.
   */
  async reopen(manager: EntityManager, request: LedgerReopeningRequest): Promise<void> {
    const account = await this.ledger.lock(manager, request.fundAccountNo, request.currency);
    const closing = await this.closings.lock(manager, request.functionId);
    if (closing?.status === 'ENDED') throw new Error(`function ${request.functionId} took effect on ledger ${request.fundAccountNo}/${request.currency}: it cannot be reopened`);
    if (closing?.status === 'CLOSED') {
      if (account?.closedFor === request.functionId) await this.ledger.setClosedFor(manager, account, null);
      await this.closings.setStatus(manager, request.functionId, 'REOPENED');
      this.logger.log({ functionId: request.functionId, fundAccountNo: request.fundAccountNo, currency: request.currency }, 'ledger reopened: the bank refused the change of its relationship');
    }
    await this.outbox.add(manager, ledgerReopened, closedLedger(request), { key: request.fundAccountNo });
  }

  /**
   * F-3.8 took effect at the bank: the relationship is cancelled on the ledger (and the ledger open, with nothing to
   * move it). Only a ledger closed for this function is cancelled; a redelivered verdict finds it ended already.
   */
  async cancelled(manager: EntityManager, verdict: ClosedLedger): Promise<void> {
    const account = await this.ledger.lock(manager, verdict.fundAccountNo, verdict.currency);
    const closing = await this.closings.lock(manager, verdict.functionId);
    if (closing?.status === 'ENDED') return;
    if (!account || closing?.status !== 'CLOSED' || account.closedFor !== verdict.functionId) {
      throw new Error(`cancellation ${verdict.functionId} succeeded at bank ${verdict.bankCode}, but ledger ${verdict.fundAccountNo}/${verdict.currency} was not closed for it`);
    }
    await this.ledger.cancel(manager, account);
    await this.closings.setStatus(manager, verdict.functionId, 'ENDED');
    this.logger.log({ functionId: verdict.functionId, fundAccountNo: verdict.fundAccountNo, currency: verdict.currency, bankCode: verdict.bankCode }, 'relationship cancelled on the ledger (F-3.8)');
  }

  private async answer(manager: EntityManager, request: LedgerClosingRequest, decision: ClosingDecision): Promise<void> {
    const ledger = closedLedger(request);
    await this.outbox.add(
      manager,
      ledgerClosingDecided,
      decision.decision === 'CLOSE'
        ? { ...ledger, decision: 'CLOSED', balance: decision.balance }
        : { ...ledger, decision: 'REFUSED', refusal: { code: decision.code, message: decision.message } },
      { key: request.fundAccountNo },
    );
  }
}

function closedLedger(request: ClosedLedger): ClosedLedger {
  return { functionId: request.functionId, fundAccountNo: request.fundAccountNo, currency: request.currency, bankCode: request.bankCode };
}

/** The first decision of a closing, as it was answered. */
function decisionOf(closing: LedgerClosing): ClosingDecision {
  if (closing.refusal) return { decision: 'REFUSE', ...closing.refusal };
  if (!closing.balance) throw new Error(`closing ${closing.functionId} is ${closing.status} without the balance it closed at`);
  return { decision: 'CLOSE', balance: closing.balance };
}
