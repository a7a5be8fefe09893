import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { type CustodyFunction, custodyFunctionRequested, type CustodyFunctionResolution, type ErrorCode } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { awaitState, BusinessCalendar, DomainError, SettledNotifications } from '@custody/service-kit';
import type { z } from 'zod';
import type { Currency } from '@custody/money';
import { BrokerStatusChangeRecorder } from './broker-status-change.recorder';
import { type CustodyFunctionAnswer, CustodyFunctionRequest } from './custody-function-request.entity';
import { RelationshipCancellations } from './relationship-cancellations';

/** What a broker-started function's request names when it is opened. */
export interface OpenedFunction {
  readonly function: CustodyFunction;
  readonly relationshipId: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly bankCode: string;
  readonly serialNo: string;
  /**
   * Who asked: the caller's principal (`subject@issuer`), for the relationship's journal; for an 11005 S sent on after
   * a bank's own 11005, that bank (`bank:{bankCode}`). Null only when it follows a request from before they were kept.
   */
  readonly requestedBy: string | null;
}

/** A function's request as the saga is sent it, but for its id (drawn when it is opened). */
export type FunctionCall = z.input<typeof custodyFunctionRequested.schema> extends infer R ? (R extends unknown ? Omit<R, 'functionId'> : never) : never;

/**
 * The requests of the account functions the broker starts on an existing relationship: opened PENDING with the
 * request that sends them to the bank, resolved once (a redelivered verdict changes nothing), and awaited by the
 * caller, who is woken when the verdict lands.
 */
@Injectable()
export class CustodyFunctionRequests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settled: SettledNotifications,
    private readonly cancellations: RelationshipCancellations,
    private readonly statusChanges: BrokerStatusChangeRecorder,
    private readonly outbox: Outbox,
    private readonly calendar: BusinessCalendar,
  ) {}

  /**
   * Opens the request and hands it to the saga (`custody.function-requested`), in the caller's transaction: the call
   * (never a secret in clear: sealed), on the relationship it names, asked for by `requestedBy`.
   */
  async send(manager: EntityManager, call: FunctionCall, on: Pick<OpenedFunction, 'relationshipId' | 'requestedBy'>): Promise<string> {
    const { function: fn, fundAccountNo, currency, bankCode, serialNo } = call;
    const functionId = await this.open(manager, { function: fn, fundAccountNo, currency, bankCode, serialNo, ...on });
    await this.outbox.add(manager, custodyFunctionRequested, { ...call, functionId }, { key: fundAccountNo, businessDate: this.calendar.today() });
    return functionId;
  }

  async open(manager: EntityManager, opened: OpenedFunction): Promise<string> {
    const id = randomUUID();
    await manager.insert(CustodyFunctionRequest, { id, ...opened, status: 'PENDING', answer: null, bankSerialNo: null, failureCode: null, bankReturnCode: null, failureMessage: null });
    return id;
  }

  /**
   * Applies the verdict the ledger has applied (`custody.function-applied`); only a PENDING request takes one. A
   * function that changes the relationship with its answer changes it here, in the same transaction (F-3.8: CANCELLED,
   * the day's 11004). Returns the request when it took this verdict, for what the function changes besides
   * (CustodyFunctionOutcomes).
   */
  async resolve(manager: EntityManager, verdict: CustodyFunctionResolution): Promise<CustodyFunctionRequest | undefined> {
    const request = await manager.findOne(CustodyFunctionRequest, { where: { id: verdict.functionId }, lock: { mode: 'pessimistic_write' } });
    if (!request || request.status !== 'PENDING') return undefined;
    request.status = verdict.status;
    request.bankSerialNo = verdict.bankSerialNo ?? null;
    if (verdict.status === 'SUCCEEDED') {
      // A function that changes a relationship changes it here, with its answer: the caller sees both or neither.
      if (verdict.function === 'CANCEL_DESIGNATION') request.answer = await this.cancellations.cancelled(manager, request, verdict);
      else request.answer = answerOf(request, verdict);
      if (verdict.function === 'CHANGE_ACCOUNT_STATUS') await this.statusChanges.record(manager, request, verdict);
    } else {
      request.failureCode = verdict.failure?.code ?? 'BANK_REJECTED';
      request.bankReturnCode = verdict.failure?.bankReturnCode ?? null;
      request.failureMessage = verdict.failure?.message ?? null;
    }
    await manager.save(request);
    this.settled.announce(manager, request.id);
    return request;
  }

  /**
   * The request once it is no longer PENDING, or still PENDING after `waitMs`; a failure is thrown as the problem
   * the caller is answered with (the bank's code beside ours).
   */
  async settledWithin(id: string, waitMs: number): Promise<CustodyFunctionRequest> {
    const request = await awaitState(
      () => this.dataSource.getRepository(CustodyFunctionRequest).findOneByOrFail({ id }),
      (r) => r.status !== 'PENDING',
      waitMs,
      (maxMs) => this.settled.changed(id, Math.min(maxMs, 1000)),
    );
    if (request.status === 'FAILED') {
      throw new DomainError((request.failureCode ?? 'BANK_REJECTED') as ErrorCode, request.failureMessage ?? 'the bank refused', {
        bankCode: request.bankCode,
        ...(request.bankReturnCode ? { bankReturnCode: request.bankReturnCode } : {}),
      });
    }
    return request;
  }
}

/** What a caller is told of a function that succeeded, kept for a repeat of its request. */
function answerOf(request: CustodyFunctionRequest, verdict: CustodyFunctionResolution): CustodyFunctionAnswer | null {
  switch (verdict.function) {
    case 'QUERY_BANK_BALANCE':
      if (!verdict.bankBalances) throw new Error(`bank balance query ${verdict.functionId} succeeded without its balances`);
      return { balance: verdict.bankBalances.balance.toString(), available: verdict.bankBalances.available.toString() };
    case 'IDENTITY_CHECK':
      if (!verdict.identityCheck) throw new Error(`identity check ${verdict.functionId} succeeded without the bank's answer`);
      return { matched: verdict.identityCheck.matched, bankReturnCode: verdict.identityCheck.bankReturnCode };
    case 'CHANGE_ACCOUNT_STATUS':
      if (!verdict.accountStatus) throw new Error(`status change ${verdict.functionId} succeeded without the status the bank took`);
      return { fundAccountNo: request.fundAccountNo, bankCode: request.bankCode, accountStatus: verdict.accountStatus, serialNo: request.serialNo };
    case 'CANCEL_DESIGNATION':
      // Its answer is the relationship it cancelled, given where it is cancelled (RelationshipCancellations).
      throw new Error(`cancellation ${verdict.functionId} is answered by RelationshipCancellations`);
    // F-3.4 S: the relationship as the change left it, written where the change is applied (BankAccountChangeRequests).
    // F-3.5 S: nothing to answer; the customer's view shows each bank's answer (CustomerDataPropagation).
    // F-3.6 S: the new relationship, written where the change is applied (CustodianBankChanges).
    case 'CHANGE_BANK_ACCOUNT':
    case 'CHANGE_CUSTOMER':
    case 'CHANGE_CUSTODIAN_BANK':
      return null;
  }
}
