import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CustodyFunctionResolution } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import type { Money } from '@custody/money';
import { DayCycleService } from '../day/day-cycle.service';
import { type BankCallCommand, BankCallIssuer } from '../engine/bank-call.issuer';
import type { Transition } from '../engine/bank-call-saga';
import type { Completion } from '../engine/saga-flow';
import { SagaStore, type SagaRow } from '../engine/saga-store';
import { compensate } from '../engine/step';
import { closeCustodyAtOldBank } from './close-custody-at-old-bank.step';
import type { LedgerStepContext } from './close-ledger.step';
import { BANK_CHANGE_CALLS, type BankChangeCallPurpose, decideBankChangeCall, stepOf } from './custodian-bank-change-decisions';
import { type CustodianBankChangePayload, custodianBankChangePayload } from './custodian-bank-change.payload';
import { designateAtNewBank } from './designate-at-new-bank.step';
import { LedgerClosingSaga } from './ledger-closing.saga';

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
export class CustodianBankChangeSaga extends LedgerClosingSaga<CustodianBankChangePayload, BankChangeCallPurpose> {
  readonly kind = 'CUSTODIAN_BANK_CHANGE';
  protected readonly payload = custodianBankChangePayload;
  protected readonly unnamedNextCall = BANK_CHANGE_CALLS.CLOSE_AT_OLD.resend;
  protected readonly closingPurpose = 'BANK_CHANGE';
  protected readonly firstCall = BANK_CHANGE_CALLS.CLOSE_AT_OLD.original;
  private readonly logger = new Logger(CustodianBankChangeSaga.name);

  constructor(store: SagaStore, calls: BankCallIssuer, outbox: Outbox, days: DayCycleService) {
    super(store, calls, outbox, days);
  }

  protected async callFor(purpose: BankChangeCallPurpose, ctx: Ctx): Promise<BankCallCommand> {
    const { step, resend } = stepOf(purpose);
    const p = ctx.saga.payload;
    const balance = this.balanceOf(ctx.saga);
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
          return this.reopenLedger(ctx, decision.failure);
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
          await this.resolve(manager, saga.payload, { status: 'FAILED', failure: refusal, bankChange: { balanceLeaving: this.balanceOf(saga), ...serialOf(saga) } });
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
      balanceLeaving: this.balanceOf(saga),
      ...serialOf(saga),
      opened: {
        bankCode: opened.bankCode,
        mode: opened.mode,
        ...(designated ? { bankAccountNo: p.newBankAccountNo } : {}),
        serialNo: designated ? p.openingSerialNo : p.restoringSerialNo,
        ...(opened.completion.bankSerialNo ? { bankSerialNo: opened.completion.bankSerialNo } : {}),
        ...(opened.completion.custodyAccountNo ? { custodyAccountNo: opened.completion.custodyAccountNo } : {}),
        openingBalance: this.balanceOf(saga),
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
}

function serialOf(saga: SagaRow<CustodianBankChangePayload>): { cancelledBankSerialNo?: string } {
  return saga.payload.cancelledBankSerialNo ? { cancelledBankSerialNo: saga.payload.cancelledBankSerialNo } : {};
}

function dateOf(date: string | undefined, saga: SagaRow<CustodianBankChangePayload>): string {
  if (!date) throw new Error(`bank change saga ${saga.saga_id} calls a bank before it knew that bank's day`);
  return date;
}
