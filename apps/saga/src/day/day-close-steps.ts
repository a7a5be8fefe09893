import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { bankFileStepRequested, brokerFilesRequested } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { CUSTODY_CONFIG, type CustodyConfig, nextSerialNo } from '@custody/service-kit';
import { BankCallIssuer } from '../engine/bank-call.issuer';
import { SagaStore, type SagaRow } from '../engine/saga-store';
import type { CloseAction, DayClose } from './day-close-decisions';
import type { DayPayload } from './day-payload';

/** What a deployment sets about the close of the day (saga.module.ts reads it from the environment). */
export interface DayCloseSettings {
  /**
   * CUSTODY_BANK_FILES_WAIT_MS: how long after sending its own detail files the broker waits for the bank's
   * B_CHK01–03 before it asks for them (bank-protocol.md §7 step 5: 10 minutes).
   */
  readonly bankFilesWaitMs: number;
}

export const DAY_CLOSE_SETTINGS = Symbol('DAY_CLOSE_SETTINGS');
export const DEFAULT_BANK_FILES_WAIT_MS = 600_000;

/**
 * Carries out what the close of a bank's day decided (day-close-decisions.ts), in the caller's transaction:
 * the messages to the reconciliation service and the adapter, the 13010 call, the persisted waits. Returns the
 * close with what it issued (a file step's id, the 13010 attempt), for the caller to save with the rest.
 */
@Injectable()
export class DayCloseSteps {
  private readonly logger = new Logger(DayCloseSteps.name);

  constructor(
    private readonly outbox: Outbox,
    private readonly calls: BankCallIssuer,
    private readonly store: SagaStore,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
    @Inject(DAY_CLOSE_SETTINGS) private readonly settings: DayCloseSettings,
  ) {}

  async carryOut(manager: EntityManager, saga: SagaRow<DayPayload>, close: DayClose, actions: readonly CloseAction[]): Promise<DayClose> {
    let issued = close;
    for (const action of actions) issued = await this.carry(manager, saga, issued, action);
    return issued;
  }

  private async carry(manager: EntityManager, saga: SagaRow<DayPayload>, close: DayClose, action: CloseAction): Promise<DayClose> {
    const { bankCode, businessDate } = close;
    switch (action.kind) {
      case 'REQUEST_BROKER_FILES':
        await this.outbox.add(manager, brokerFilesRequested, { bankCode, businessDate, step: action.step }, { key: bankCode, businessDate });
        return close;
      case 'CALL_SUMMARY_CHECK':
        await this.callSummaryCheck(manager, saga, close);
        return { ...close, summaryAttempts: close.summaryAttempts + 1 };
      case 'SEND_FILES': {
        const stepId = await this.fileStep(manager, close, 'SEND', action.fileNames);
        return { ...close, sendStepId: stepId };
      }
      case 'FETCH_FILES': {
        this.logger.warn({ bankCode, businessDate, fileNames: action.fileNames }, "the bank's files did not come in time; asking the bank for them (13006/13007)");
        const stepId = await this.fileStep(manager, close, 'FETCH', action.fileNames);
        return { ...close, fetchStepId: stepId };
      }
      case 'WAIT_FOR_BANK_FILES':
        await this.store.addTimer(manager, { saga_id: saga.saga_id, kind: 'DAY_STEP', call_id: null, purpose: 'BANK_FILES_WAIT' }, this.settings.bankFilesWaitMs);
        return close;
      case 'WAIT_FOR_DIF04':
        await this.store.addTimer(manager, { saga_id: saga.saga_id, kind: 'DAY_STEP', call_id: null, purpose: 'DIF04_WAIT' }, this.config.dif04WaitMs);
        return close;
    }
  }

  /** 13010 with the broker's figures; its serial is issued once, so a repeat is the same request to the bank. */
  private async callSummaryCheck(manager: EntityManager, saga: SagaRow<DayPayload>, close: DayClose): Promise<void> {
    if (close.summary === null) throw new Error(`the close of ${close.bankCode} ${close.businessDate} has no 13010 figures`);
    let serialNo = saga.payload.serials?.SUMMARY_CHECK;
    if (serialNo === undefined) {
      serialNo = await nextSerialNo(manager, 'saga.serial_seq', 'saga', close.businessDate);
      await this.store.mergePayload(manager, saga.saga_id, { serials: { ...saga.payload.serials, SUMMARY_CHECK: serialNo } });
    }
    await this.calls.issue(manager, saga, 'SUMMARY_CHECK', {
      bankCode: close.bankCode,
      function: 'SUMMARY_CHECK',
      serialNo,
      businessDate: close.businessDate,
      resend: false,
      summary: close.summary,
    });
  }

  private async fileStep(manager: EntityManager, close: DayClose, mode: 'SEND' | 'FETCH', fileNames: readonly string[]): Promise<string> {
    const stepId = randomUUID();
    await this.outbox.add(
      manager,
      bankFileStepRequested,
      { stepId, bankCode: close.bankCode, businessDate: close.businessDate, mode, fileNames: [...fileNames] },
      { key: close.bankCode, businessDate: close.businessDate },
    );
    return stepId;
  }
}
