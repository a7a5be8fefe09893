import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { bankCallRequestedFor, type BankCallRequestInput, type DayPhase } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { type BankConfig, CUSTODY_CONFIG, type CustodyConfig, findBank } from '@custody/service-kit';
import { type CallPurpose, SagaStore, type SagaRow } from './saga-store';

/** A bank call as a step makes it: the issuer gives it its id and send budget. */
export type BankCallCommand = Omit<BankCallRequestInput, 'callId' | 'sendWithinMs'>;

/**
 * The adapter reports NO_REPLY itself after requestTimeoutMs; this grace covers an adapter that died
 * holding the call, so the saga's own persisted deadline still ends the wait.
 */
export const DEADLINE_GRACE_MS = 2_000;

/**
 * How long the adapter may hold a call before writing it (`sendWithinMs`, measured on the adapter from when
 * the call reaches it); past it the adapter reports NOT_SENT and never writes it. The call's deadline, on the
 * saga's own clock, covers this budget, the bank's requestTimeoutMs and a grace: neither clock is compared
 * with the other, so a skew between the two hosts changes nothing. A call that spends longer on its way to
 * the adapter can be written after the deadline fired; the deadline then has made the transfer UNKNOWN and
 * the bank is asked, which finds the call whichever way it went.
 */
export const SEND_WINDOW_MS = 2_000;

/**
 * Makes one bank call on a saga's behalf, in the caller's transaction: the call row, the saga's current call
 * and attempt, the command in the outbox, and the call's persisted deadline — together or not at all.
 */
@Injectable()
export class BankCallIssuer {
  constructor(
    private readonly store: SagaStore,
    private readonly outbox: Outbox,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
  ) {}

  async issue(manager: EntityManager, saga: Pick<SagaRow, 'saga_id' | 'state' | 'attempt'>, purpose: CallPurpose, command: BankCallCommand, state = saga.state === 'NEW' ? 'SENT' : saga.state): Promise<string> {
    const bank = this.bankOf(saga.saga_id, command);
    const callId = randomUUID();
    await this.store.issueCall(
      manager,
      { call_id: callId, saga_id: saga.saga_id, purpose, function: command.function, serial_no: command.serialNo },
      { state, attempt: saga.attempt + 1 },
      this.deadlineInMs(bank),
    );
    await this.send(manager, bank, command, callId);
    return callId;
  }

  /**
   * A transfer's saga created with its first call made (`SagaStore.createTransferCalling`: one statement, issue 9) and the
   * command in the outbox — unless its bank's day of `businessDate` is in one of `notOnPhases`: the saga is then created
   * NEW, nothing is sent, and the caller ends it. Undefined: a redelivered start, nothing written.
   */
  async createTransferCalling(
    manager: EntityManager,
    saga: Pick<SagaRow, 'saga_id' | 'subject_id' | 'bank_code' | 'payload'>,
    businessDate: string,
    purpose: CallPurpose,
    command: BankCallCommand,
    notOnPhases: readonly DayPhase[],
  ): Promise<{ saga: SagaRow; called: boolean } | undefined> {
    const bank = this.bankOf(saga.saga_id, command);
    const callId = randomUUID();
    const call = { call_id: callId, purpose, function: command.function, serial_no: command.serialNo };
    const created = await this.store.createTransferCalling(manager, saga, businessDate, call, 'SENT', this.deadlineInMs(bank), notOnPhases);
    if (created?.called) await this.send(manager, bank, command, callId);
    return created;
  }

  /** The call's own bank: a saga may call more than one (F-3.6: the old bank, then the new one). */
  private bankOf(sagaId: string, command: BankCallCommand): BankConfig {
    const bank = findBank(this.config, command.bankCode);
    if (!bank) throw new Error(`saga ${sagaId} calls bank ${command.bankCode}, which is not configured`);
    return bank;
  }

  private deadlineInMs(bank: BankConfig): number {
    return SEND_WINDOW_MS + bank.requestTimeoutMs + DEADLINE_GRACE_MS;
  }

  private async send(manager: EntityManager, bank: BankConfig, command: BankCallCommand, callId: string): Promise<void> {
    // The bank's own topic (issue 9): only that bank's adapter reads it.
    await this.outbox.add(manager, bankCallRequestedFor(bank.code), { ...command, callId, sendWithinMs: SEND_WINDOW_MS }, { key: bank.code });
  }
}
