import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type CustodianBankChangeRequested, type CustodyFunctionResolution, custodyFunctionResolved, type LedgerClosingDecision } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import type { Money } from '@custody/money';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import { BankCallSaga, type Transition } from '../engine/bank-call-saga';
import { type Completion, withPayload } from '../engine/saga-flow';
import { SagaStore, type SagaRow } from '../engine/saga-store';
import { compensate } from '../engine/step';
import { closeCustodyAtOldBank } from './close-custody-at-old-bank.step';
import { closeLedger, type LedgerStepContext } from './close-ledger.step';
import { BANK_CHANGE_CALLS, type BankChangeCallPurpose, decideBankChangeCall, stepOf } from './custodian-bank-change-decisions';
import { type CustodianBankChangePayload, custodianBankChangePayload } from './custodian-bank-change.payload';
import { designateAtNewBank } from './designate-at-new-bank.step';
import type { LedgerClosingFlow } from './ledger-closing-answers';

/** Where the saga waits on the ledger's owner (closing, reopening); on a bank it is SENT or UNKNOWN. */
const CLOSING_LEDGER = 'CLOSING_LEDGER';
const REOPENING_LEDGER = 'REOPENING_LEDGER';

type Ctx = LedgerStepContext<CustodianBankChangePayload>;

/**
 * F-3.6 S, the change of custodian bank (bank-protocol.md §4: no code of its own). Each step waits for the one before;
 * the saga runs at the old bank (`bank_code`), and its calls name the bank each goes to:
 * 1. `close-ledger` (BANK_CHANGE): the transfer service closes the fund ledger — refused while it has a hold or a
 *    transfer in flight, or is frozen — so nothing moves it until the change ends; it answers with the balance;
 * 2. `close-custody-at-old-bank`: the 11004 with `ScBal` the whole balance. The old bank's definite refusal is
 *    compensated by step 1's compensation (the ledger opens again), and only then is it the verdict;
 * 3. `designate-at-new-bank`: the 11001 with that balance as the opening balance. 0000 is the verdict: the ledger moves
 *    to the new bank (its balance between the two summary accounts, the day's settlement instruction) and account
 *    cancels the old relationship and opens the new. The new bank's definite refusal is compensated by step 2's
 *    compensation, an 11002 opening a custody account with the balance at the old bank again; its 0000 makes the
 *    verdict the new bank's refusal, with the relationship restored (pre-designated) at the old bank.
 * Every bank call is sent again under its serial until the bank answers definitely (`decideBankChangeCall`); the
 * serials were drawn by account with the request, so a saga resumed after a crash sends each under its first serial.
 */
@Injectable()
export class CustodianBankChangeSaga extends BankCallSaga<CustodianBankChangePayload, BankChangeCallPurpose, Ctx> implements LedgerClosingFlow {
  readonly kind = 'CUSTODIAN_BANK_CHANGE';
  protected readonly payload = custodianBankChangePayload;
  protected readonly unnamedNextCall = BANK_CHANGE_CALLS.CLOSE_AT_OLD.resend;
  private readonly logger = new Logger(CustodianBankChangeSaga.name);

  constructor(
    store: SagaStore,
    calls: BankCallIssuer,
    private readonly outbox: Outbox,
    private readonly days: DayCycleService,
  ) {
    super(store, calls);
  }

  async start(manager: EntityManager, request: CustodianBankChangeRequested): Promise<void> {
    const payload: CustodianBankChangePayload = { ...request, businessDate: await this.days.dateOfNewMovement(manager, request.bankCode) };
    const saga = await this.store.create(manager, this.kind, request.functionId, request.bankCode, payload);
    if (!saga) return;
    await closeLedger.invoke({ ...ledgerOf(payload), purpose: 'BANK_CHANGE' }, this.contextOf(manager, { ...saga, payload }));
    await this.store.setState(manager, saga.saga_id, CLOSING_LEDGER);
  }

  /** Step 1 answered: refused, the request fails with the ledger's rule; closed, the 11004 goes to the old bank. */
  async onLedgerClosingDecided(manager: EntityManager, row: SagaRow, decision: LedgerClosingDecision): Promise<void> {
    if (row.state !== CLOSING_LEDGER) return;
    const saga = withPayload(row, this.payload);
    if (decision.decision === 'REFUSED') {
      await this.resolve(manager, saga.payload, { status: 'FAILED', failure: decision.refusal });
      await this.store.markDone(manager, saga.saga_id);
      return;
    }
    await this.learn(manager, saga, { balanceLeaving: decision.balance });
    await this.call(this.contextOf(manager, { ...saga, state: 'SENT' }), BANK_CHANGE_CALLS.CLOSE_AT_OLD.original);
  }

  /** Step 1 compensated: the ledger takes transfers again, and only now is the old bank's refusal the verdict. */
  async onLedgerReopened(manager: EntityManager, row: SagaRow): Promise<void> {
    if (row.state !== REOPENING_LEDGER) return;
    const { payload } = withPayload(row, this.payload);
    if (!payload.failure) throw new Error(`bank change saga ${row.saga_id} reopened its ledger without the refusal that made it`);
    await this.resolve(manager, payload, { status: 'FAILED', failure: payload.failure });
    await this.store.markDone(manager, row.saga_id);
  }

  protected contextOf(manager: EntityManager, saga: SagaRow<CustodianBankChangePayload>): Ctx {
    return { manager, saga, outbox: this.outbox };
  }

  protected async callFor(purpose: BankChangeCallPurpose, ctx: Ctx): Promise<BankCallCommand> {
    const { step, resend } = stepOf(purpose);
    const p = ctx.saga.payload;
    const balance = balanceOf(ctx.saga);
    switch (step) {
      case 'CLOSE_AT_OLD':
        return (await closeCustodyAtOldBank.invoke({ cancellation: { ...p, balanceLeaving: balance, resend }, restoring: this.restoringOf(p, balance) }, ctx)).output;
      case 'OPEN_AT_NEW':
        return (await designateAtNewBank.invoke({ change: p, openingBalance: balance, businessDate: dateOf(p.openingBusinessDate, ctx.saga), resend }, ctx)).output;
      case 'RESTORE_AT_OLD':
        return compensate(closeCustodyAtOldBank, { ...this.restoringOf(p, balance), resend }, ctx);
    }
  }

  protected async decide(purpose: BankChangeCallPurpose, completion: Completion, ctx: Ctx): Promise<Transition<BankChangeCallPurpose>> {
    const { manager, saga } = ctx;
    const decision = decideBankChangeCall(purpose, completion, saga.attempt);
    if (decision.outcome === 'UNKNOWN') return { state: 'UNKNOWN', next: decision.next };
    const log = { functionId: saga.subject_id, fundAccountNo: saga.payload.fundAccountNo, oldBankCode: saga.bank_code, newBankCode: saga.payload.newBankCode };
    switch (stepOf(purpose).step) {
      case 'CLOSE_AT_OLD':
        if (decision.outcome === 'REFUSED') {
          this.logger.warn({ ...log, failure: decision.failure }, 'the old bank refused to close the custody account; the ledger reopens before the caller is told');
          await this.store.mergePayload(manager, saga.saga_id, { failure: decision.failure });
          await compensate(closeLedger, ledgerOf(saga.payload), ctx);
          return { state: REOPENING_LEDGER };
        }
        // The money has left the old bank: the new bank is asked to take it, on its own day.
        await this.learn(manager, saga, { cancelledBankSerialNo: completion.bankSerialNo, openingBusinessDate: await this.days.dateOfNewMovement(manager, saga.payload.newBankCode) });
        await this.call(this.contextOf(manager, { ...saga, state: 'SENT' }), BANK_CHANGE_CALLS.OPEN_AT_NEW.original);
        return { state: 'SENT' };
      case 'OPEN_AT_NEW':
        if (decision.outcome === 'DONE') {
          await this.resolve(manager, saga.payload, { status: 'SUCCEEDED', bankChange: this.bankChangeOf(saga, { bankCode: saga.payload.newBankCode, mode: 'DESIGNATE', completion }) });
          return { state: 'DONE' };
        }
        this.logger.warn({ ...log, failure: decision.failure }, 'the new bank refused to open the relationship; the old bank is asked to hold the money again (11002)');
        await this.learn(manager, saga, { newBankRefusal: decision.failure, restoringBusinessDate: await this.days.dateOfNewMovement(manager, saga.bank_code) });
        await this.call(this.contextOf(manager, { ...saga, state: 'SENT' }), BANK_CHANGE_CALLS.RESTORE_AT_OLD.original);
        return { state: 'SENT' };
      case 'RESTORE_AT_OLD': {
        const refusal = saga.payload.newBankRefusal;
        if (!refusal) throw new Error(`bank change saga ${saga.saga_id} restored its relationship without the refusal that made it`);
        if (decision.outcome === 'REFUSED') {
          // Both banks refused: the money is at no bank. Nothing is guessed; the ledger stays closed for an operator.
          this.logger.error({ ...log, failure: decision.failure }, 'the old bank refused to open the custody account again: the fund account has no custodian bank, an operator must act');
          await this.resolve(manager, saga.payload, { status: 'FAILED', failure: refusal, bankChange: { balanceLeaving: balanceOf(saga), ...serialOf(saga) } });
          return { state: 'DONE' };
        }
        const restored = this.bankChangeOf(saga, { bankCode: saga.bank_code, mode: 'PRE_DESIGNATE', completion });
        const failure = { ...refusal, message: `${refusal.message}; the fund account's money is at bank ${saga.bank_code} again, in a pre-designated custody account the customer confirms there (F-3.2)` };
        await this.resolve(manager, saga.payload, { status: 'FAILED', failure, bankChange: restored });
        return { state: 'DONE' };
      }
    }
  }

  /** The relationship a bank opened with the balance (11001 at the new bank, or 11002 at the old one again). */
  private bankChangeOf(saga: SagaRow<CustodianBankChangePayload>, opened: { bankCode: string; mode: 'DESIGNATE' | 'PRE_DESIGNATE'; completion: Completion }): NonNullable<CustodyFunctionResolution['bankChange']> {
    const p = saga.payload;
    const designated = opened.mode === 'DESIGNATE';
    return {
      balanceLeaving: balanceOf(saga),
      ...serialOf(saga),
      opened: {
        bankCode: opened.bankCode,
        mode: opened.mode,
        ...(designated ? { bankAccountNo: p.newBankAccountNo } : {}),
        serialNo: designated ? p.openingSerialNo : p.restoringSerialNo,
        ...(opened.completion.bankSerialNo ? { bankSerialNo: opened.completion.bankSerialNo } : {}),
        ...(opened.completion.custodyAccountNo ? { custodyAccountNo: opened.completion.custodyAccountNo } : {}),
        openingBalance: balanceOf(saga),
        businessDate: dateOf(designated ? p.openingBusinessDate : p.restoringBusinessDate, saga),
      },
    };
  }

  private restoringOf(p: CustodianBankChangePayload, balance: Money) {
    return { serialNo: p.restoringSerialNo, businessDate: p.restoringBusinessDate ?? p.businessDate, fundAccountNo: p.fundAccountNo, currency: p.currency, customer: p.customer, openingBalance: balance };
  }

  /** What the saga learned, kept in its payload (read back after a crash) and in the row in hand. */
  private async learn(manager: EntityManager, saga: SagaRow<CustodianBankChangePayload>, patch: Partial<CustodianBankChangePayload>): Promise<void> {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    await this.store.mergePayload(manager, saga.saga_id, defined);
    Object.assign(saga.payload, defined);
  }

  private async resolve(manager: EntityManager, payload: CustodianBankChangePayload, verdict: Pick<CustodyFunctionResolution, 'status' | 'failure' | 'bankChange'>): Promise<void> {
    await this.outbox.add(
      manager,
      custodyFunctionResolved,
      {
        functionId: payload.functionId,
        function: payload.function,
        serialNo: payload.serialNo,
        bankCode: payload.bankCode,
        fundAccountNo: payload.fundAccountNo,
        currency: payload.currency,
        // The old bank's day of the 11004: account lists it in that day's CHK02/CHK03 of the old bank.
        businessDate: payload.businessDate,
        ...verdict,
      },
      { key: payload.fundAccountNo },
    );
  }
}

/** The ledger the change closes, as the closing and its compensation name it. */
function ledgerOf(payload: CustodianBankChangePayload) {
  return { functionId: payload.functionId, fundAccountNo: payload.fundAccountNo, currency: payload.currency, bankCode: payload.bankCode };
}

/** The balance the ledger closed at: every bank call carries it. */
function balanceOf(saga: SagaRow<CustodianBankChangePayload>): Money {
  if (!saga.payload.balanceLeaving) throw new Error(`bank change saga ${saga.saga_id} calls a bank before its ledger closed`);
  return saga.payload.balanceLeaving;
}

function serialOf(saga: SagaRow<CustodianBankChangePayload>): { cancelledBankSerialNo?: string } {
  return saga.payload.cancelledBankSerialNo ? { cancelledBankSerialNo: saga.payload.cancelledBankSerialNo } : {};
}

function dateOf(date: string | undefined, saga: SagaRow<CustodianBankChangePayload>): string {
  if (!date) throw new Error(`bank change saga ${saga.saga_id} calls a bank before it knew that bank's day`);
  return date;
}
