import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { transferRequested, type transferOutcome } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { type Currency, Money } from '@custody/money';
import {
  Clock,
  CUSTODY_CONFIG,
  type CustodyConfig,
  DomainError,
  findBank,
  IdempotencyStore,
  serialNoOf,
  SecretSealer,
  SettledNotifications,
} from '@custody/service-kit';
import { FundPasswordGate } from '../fund-passwords/fund-password.gate';
import { assertNotClosed, assertNotFrozen } from '../ledger/account-status-rules';
import type { LedgerAccount } from '../ledger/ledger-account.entity';
import { LedgerRepository } from '../ledger/ledger.repository';
import type { RequestTransferBody, TransferFailureCode } from './transfer.dto';
import { attemptsAfter } from './transfer-attempts';
import { FINAL_STATUSES, type Transfer, type TransferType } from './transfer.entity';
import { TransferRepository } from './transfer.repository';
import { TransferMetrics } from './transfer-metrics';
import { TRANSFER_SERIALS } from '../day/bank-day.projection';
import { refusalToStart } from '../day/day-rules';
import { ManualCases } from '../cases/manual-cases';

type Outcome = z.infer<typeof transferOutcome.schema>;

/** Securities-initiated transfers through a bank: F-4.1 S (bank → securities) and F-4.2 S (securities → bank). */
@Injectable()
export class TransferService {
  private readonly logger = new Logger(TransferService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly idempotency: IdempotencyStore,
    private readonly outbox: Outbox,
    private readonly sealer: SecretSealer,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
    private readonly clock: Clock,
    private readonly settled: SettledNotifications,
    private readonly fundPasswords: FundPasswordGate,
    private readonly cases: ManualCases,
    private readonly transfers: TransferRepository,
    private readonly metrics: TransferMetrics,
  ) {}

  /** Starts the transfer (or finds the one `requestId` started) and answers its id. */
  async request(body: RequestTransferBody): Promise<string> {
    return (await this.start(body)).transferId;
  }

  /**
   * `request`, answering also the transfer as this call wrote it — undefined when `requestId` named an earlier one, which
   * only a read shows as it is now.
   */
  async start(body: RequestTransferBody): Promise<{ transferId: string; written?: Transfer }> {
    const { amount } = body;
    const type = body.type;
    if (type === 'INTERNAL') {
      throw new DomainError('VALIDATION_FAILED', 'INTERNAL transfers (F-4.7) call no bank: InternalTransferService takes them');
    }
    if (body.type === 'BANK_TO_SECURITIES' && !body.bankPassword) {
      throw new DomainError('VALIDATION_FAILED', 'bankPassword is required for BANK_TO_SECURITIES (F-4.1 S: the bank verifies it)');
    }
    // Before the transaction: a refused password leaves no transfer, no hold and no idempotency key.
    await this.fundPasswords.authorise(body);
    return this.dataSource.transaction((manager) => this.requestIn(manager, body, type, amount));
  }

  private async requestIn(manager: EntityManager, body: RequestTransferBody, type: Exclude<TransferType, 'INTERNAL'>, amount: Money): Promise<{ transferId: string; written?: Transfer }> {
    // The key first: a concurrent twin waits here for this transaction and then replays its answer,
    // instead of queueing on the ledger lock and failing a check (e.g. withdrawable) the first one used up.
    // Claimed with the transfer's id, which a refusal below rolls back with it.
    const transferId = randomUUID();
    const { replayOf } = await this.idempotency.claim(manager, 'transfer', body.requestId, body, transferId);
    if (replayOf) return { transferId: replayOf };
    // The ledger under its lock, its bank's day and the serial's number: one statement (issue 9).
    const { account, day, serialNumber } = await this.ledger.lockWithBankDay(manager, body.fundAccountNo, body.currency);
    if (!account) throw new DomainError('NOT_FOUND', `fund account ${body.fundAccountNo} has no ${body.currency} ledger`);
    if (account.custodyStatus === 'PRE_DESIGNATED') {
      throw new DomainError(
        'RELATIONSHIP_NOT_ACTIVE',
        `fund account ${body.fundAccountNo} is pre-designated at bank ${account.bankCode} in ${body.currency}: transfers open once the customer confirms the designation at the bank (F-3.1, F-3.2)`,
      );
    }
    if (account.custodyStatus === 'CANCELLED') {
      throw new DomainError(
        'RELATIONSHIP_NOT_ACTIVE',
        `fund account ${body.fundAccountNo}'s custody relationship with bank ${account.bankCode} in ${body.currency} is cancelled (F-3.8): no transfer until a new designation`,
      );
    }
    if (account.custodyStatus !== 'DESIGNATED' || !account.bankCode || !account.bankAccountNo) {
      throw new DomainError('RELATIONSHIP_NOT_ACTIVE', `fund account ${body.fundAccountNo} has no designated custodian bank in ${body.currency}`);
    }
    assertNotFrozen(account);
    assertNotClosed(account);
    const bank = findBank(this.config, account.bankCode);
    if (!bank) throw new DomainError('UNKNOWN_BANK', `bank ${account.bankCode} is not configured`);
    const refusal = refusalToStart(bank.code, day, bank.transferWindow, this.clock.now());
    if (refusal) throw new DomainError(refusal.code, refusal.detail);

    // The bank's day (bank-protocol.md §7 step 1): the date both sides clear the transfer on.
    const businessDate = day!.businessDate;
    const serialNo = serialNoOf(serialNumber, TRANSFER_SERIALS, 'transfer', businessDate);
    const holdId =
      type === 'SECURITIES_TO_BANK'
        ? await this.ledger.placeHold(manager, account, amount, 'WITHDRAWAL', `transfer ${transferId}`)
        : null;
    const written = await this.transfers.insert(manager, {
      transferId,
      type,
      initiator: 'S',
      serialNo,
      ourSerialNo: serialNo,
      bankCode: bank.code,
      bankAccountNo: account.bankAccountNo,
      fundAccountNo: body.fundAccountNo,
      currency: body.currency,
      amount: amount.toString(),
      status: 'PENDING',
      holdId,
      businessDate,
    });
    await this.outbox.add(manager, transferRequested, {
      transferId,
      type,
      serialNo,
      businessDate,
      fundAccountNo: body.fundAccountNo,
      currency: body.currency,
      amount,
      bankCode: bank.code,
      bankAccountNo: account.bankAccountNo,
      bankPassword: body.bankPassword ? this.sealer.seal(body.bankPassword) : undefined,
    }, { key: body.fundAccountNo, businessDate });
    return { transferId, written };
  }

  /**
   * Applies the saga's verdict. Only the saga decides; this method only refuses to move a final
   * transfer again, so a redelivered or late verdict can never double an effect (I6). A verdict that contradicts
   * a final transfer is a case for an operator (the bank and the books may disagree).
   */
  async applyOutcome(manager: EntityManager, outcome: Outcome): Promise<void> {
    const locked = await this.transfers.lockWithLedger(manager, outcome.transferId);
    if (!locked) throw new Error(`outcome for unknown transfer ${outcome.transferId}`);
    const { transfer, ledger } = locked;
    if (FINAL_STATUSES.includes(transfer.status)) {
      if (transfer.status !== outcome.status) await this.conflictingOutcome(manager, transfer, outcome);
      return;
    }
    if (outcome.status === 'PENDING') return;
    if (outcome.attempt) Object.assign(transfer, attemptsAfter(transfer, outcome.attempt));
    if (outcome.bankSerialNo) transfer.bankSerialNo = outcome.bankSerialNo;
    await this.settle(manager, transfer, ledger, outcome.status, outcome.failure);
  }

  /**
   * api.md RESOLVE_UNKNOWN: ends a transfer left UNKNOWN at its day's end as the bank's day file shows it — its own
   * movement on its own date with the hold consumed (SUCCEEDED), or the hold released (FAILED,
   * RESOLVED_BY_RECONCILIATION) — naming the adjustment that resolved it. In the caller's transaction, the approval's.
   */
  async resolveUnknown(manager: EntityManager, transferId: string, resolution: { to: 'SUCCEEDED' | 'FAILED'; adjustmentId: string; why: string }): Promise<void> {
    const locked = await this.transfers.lockWithLedger(manager, transferId);
    if (!locked) throw new DomainError('NOT_FOUND', `transfer ${transferId} does not exist`);
    const { transfer, ledger } = locked;
    if (transfer.status !== 'UNKNOWN') {
      const by = transfer.resolvedByAdjustment ? ` (resolved by adjustment ${transfer.resolvedByAdjustment})` : '';
      throw new DomainError('ADJUSTMENT_DECIDED', `transfer ${transferId} is ${transfer.status} already${by}: nothing is left to resolve; reject this adjustment`);
    }
    transfer.resolvedByAdjustment = resolution.adjustmentId;
    Object.assign(transfer, attemptsAfter(transfer, `${this.clock.now().toISOString()} reconciliation: ${resolution.to} by adjustment ${resolution.adjustmentId}`));
    await this.settle(manager, transfer, ledger, resolution.to, resolution.to === 'FAILED' ? { code: 'RESOLVED_BY_RECONCILIATION', message: resolution.why } : undefined);
  }

  /**
   * Moves the ledger as the transfer's new status says and records it; a final status wakes the callers waiting on it.
   * The caller holds the row locks of both (`lockWithLedger`).
   */
  private async settle(
    manager: EntityManager,
    transfer: Transfer,
    account: LedgerAccount,
    status: Exclude<Transfer['status'], 'PENDING'>,
    failure?: { code: TransferFailureCode; bankReturnCode?: string; message: string },
  ): Promise<void> {
    const amount = Money.fromDb(transfer.amount);
    const source = { source: 'TRANSFER' as const, sourceId: transfer.transferId, businessDate: transfer.businessDate };
    const before = transfer.status;

    switch (status) {
      case 'UNKNOWN':
        // Uncertainty is a state: the hold stays, nothing is credited (F-4.1 S / F-4.2 S).
        if (transfer.status !== 'UNKNOWN') transfer.unknownSince = this.clock.now();
        break;
      case 'SUCCEEDED':
        if (transfer.type === 'SECURITIES_TO_BANK') {
          await this.ledger.moveWithBankConsumingHold(manager, account, transfer.bankCode, transfer.holdId!, amount, source);
        } else {
          await this.ledger.moveWithBank(manager, account, transfer.bankCode, amount, source);
        }
        break;
      case 'FAILED':
      case 'REVERSED':
        if (transfer.holdId) await this.ledger.endHold(manager, account, transfer.holdId, 'RELEASED');
        transfer.failureCode = failure?.code ?? null;
        transfer.bankReturnCode = failure?.bankReturnCode ?? null;
        transfer.failureMessage = failure?.message ?? null;
        break;
    }
    transfer.status = status;
    // What settling may change, written as is: `save` would read the row again first to find what changed (issue 9).
    const written = await this.transfers.writeSettled(manager, transfer);
    // The row as written goes to this process's waiters with their wake: their answer needs no read (issue 9).
    if (FINAL_STATUSES.includes(transfer.status)) this.settled.announce(manager, transfer.transferId, written);
    // Never called on a final transfer (applyOutcome, resolveUnknown): a final status here is the transfer's first.
    if (status !== before) this.metrics.reached(manager, transfer, status, status === 'UNKNOWN' ? undefined : transfer.createdAt);
    // Once or twice per transfer: debug (issue 9). The transfer's row and GET /v1/transfers/{id} are its record.
    this.logger.debug({ transferId: transfer.transferId, serialNo: transfer.serialNo, status: transfer.status, bankReturnCode: transfer.bankReturnCode ?? undefined }, 'transfer status changed');
  }

  /** The saga said otherwise of a transfer already final here: nothing moves, and an operator looks at it. */
  private async conflictingOutcome(manager: EntityManager, transfer: Transfer, outcome: Outcome): Promise<void> {
    this.logger.error({ transferId: transfer.transferId, recorded: transfer.status, received: outcome.status }, 'conflicting verdict for a final transfer ignored; needs an operator');
    await this.cases.raise(manager, {
      cause: 'CONFLICTING_OUTCOME',
      subject: [transfer.transferId, outcome.status],
      bankCode: transfer.bankCode,
      businessDate: transfer.businessDate,
      description: `transfer ${transfer.serialNo} is ${transfer.status} in the books, the saga's later verdict says ${outcome.status}${outcome.failure ? ` (${outcome.failure.message})` : ''}`,
      transferId: transfer.transferId,
      initiator: transfer.initiator,
      serialNo: transfer.serialNo,
      functionCode: transfer.type === 'SECURITIES_TO_BANK' ? '12002' : '12001',
      fundAccountNo: transfer.fundAccountNo,
      currency: transfer.currency as Currency,
      amount: Money.fromDb(transfer.amount),
      bankReturnCode: outcome.failure?.bankReturnCode,
    });
  }
}
