import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { z } from 'zod';
import { transferRequested, type transferOutcome } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { AmountFormatError, Money } from '@custody/money';
import {
  Clock,
  CUSTODY_CONFIG,
  type CustodyConfig,
  DomainError,
  findBank,
  IdempotencyStore,
  nextSerialNo,
  SecretSealer,
  SettledNotifications,
} from '@custody/service-kit';
import { FundPasswordGate } from '../fund-passwords/fund-password.gate';
import { LedgerRepository } from '../ledger/ledger.repository';
import type { RequestTransferBody } from './transfer.dto';
import { withAttempt } from './transfer-attempts';
import { FINAL_STATUSES, Transfer, type TransferType } from './transfer.entity';
import { BankDayProjection } from '../day/bank-day.projection';
import { refusalToStart } from '../day/day-rules';

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
    private readonly bankDays: BankDayProjection,
    private readonly clock: Clock,
    private readonly settled: SettledNotifications,
    private readonly fundPasswords: FundPasswordGate,
  ) {}

  async request(body: RequestTransferBody): Promise<string> {
    const amount = parseTransferAmount(body.amount);
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

  private async requestIn(manager: EntityManager, body: RequestTransferBody, type: Exclude<TransferType, 'INTERNAL'>, amount: Money): Promise<string> {
    // The key first: a concurrent twin waits here for this transaction and then replays its answer,
    // instead of queueing on the ledger lock and failing a check (e.g. withdrawable) the first one used up.
    const { replayOf } = await this.idempotency.claim(manager, 'transfer', body.requestId, body);
    if (replayOf) return replayOf;
    const account = await this.ledger.lock(manager, body.fundAccountNo, body.currency);
    if (!account) throw new DomainError('NOT_FOUND', `fund account ${body.fundAccountNo} has no ${body.currency} ledger`);
    if (account.custodyStatus !== 'DESIGNATED' || !account.bankCode || !account.bankAccountNo) {
      throw new DomainError('RELATIONSHIP_NOT_ACTIVE', `fund account ${body.fundAccountNo} has no designated custodian bank in ${body.currency}`);
    }
    const bank = findBank(this.config, account.bankCode);
    if (!bank) throw new DomainError('UNKNOWN_BANK', `bank ${account.bankCode} is not configured`);
    const day = await this.bankDays.of(manager, bank.code);
    const refusal = refusalToStart(bank.code, day, bank.transferWindow, this.clock.now());
    if (refusal) throw new DomainError(refusal.code, refusal.detail);

    const transferId = randomUUID();
    // The bank's day (bank-protocol.md §7 step 1): the date both sides clear the transfer on.
    const businessDate = day!.businessDate;
    const serialNo = await nextSerialNo(manager, 'transfer.serial_seq', 'transfer', businessDate);
    const holdId =
      type === 'SECURITIES_TO_BANK'
        ? await this.ledger.placeHold(manager, account, amount, 'WITHDRAWAL', `transfer ${transferId}`)
        : null;
    await manager.insert(Transfer, {
      transferId,
      type,
      initiator: 'S',
      serialNo,
      ourSerialNo: serialNo,
      bankSerialNo: null,
      bankCode: bank.code,
      bankAccountNo: account.bankAccountNo,
      fundAccountNo: body.fundAccountNo,
      currency: body.currency,
      amount: amount.toString(),
      status: 'PENDING',
      failureCode: null,
      bankReturnCode: null,
      failureMessage: null,
      holdId,
      attempts: [],
      businessDate,
      unknownSince: null,
    });
    await this.idempotency.complete(manager, 'transfer', body.requestId, transferId);
    await this.outbox.add(manager, transferRequested, {
      transferId,
      type,
      serialNo,
      businessDate,
      fundAccountNo: body.fundAccountNo,
      currency: body.currency,
      amount: amount.toString(),
      bankCode: bank.code,
      bankAccountNo: account.bankAccountNo,
      bankPassword: body.bankPassword ? this.sealer.seal(body.bankPassword) : undefined,
    }, { key: body.fundAccountNo, businessDate });
    return transferId;
  }

  /**
   * Applies the saga's verdict. Only the saga decides; this method only refuses to move a final
   * transfer again, so a redelivered or late verdict can never double an effect (I6).
   */
  async applyOutcome(manager: EntityManager, outcome: Outcome): Promise<void> {
    const transfer = await manager.findOne(Transfer, { where: { transferId: outcome.transferId }, lock: { mode: 'pessimistic_write' } });
    if (!transfer) throw new Error(`outcome for unknown transfer ${outcome.transferId}`);
    if (FINAL_STATUSES.includes(transfer.status)) {
      if (transfer.status !== outcome.status) {
        this.logger.error({ transferId: transfer.transferId, recorded: transfer.status, received: outcome.status }, 'conflicting verdict for a final transfer ignored; needs an operator');
      }
      return;
    }
    if (outcome.attempt) {
      const log = withAttempt({ attempts: transfer.attempts, dropped: transfer.attemptsDropped }, outcome.attempt);
      transfer.attempts = log.attempts;
      transfer.attemptsDropped = log.dropped;
    }
    if (outcome.bankSerialNo) transfer.bankSerialNo = outcome.bankSerialNo;
    const account = await this.ledger.lock(manager, transfer.fundAccountNo, transfer.currency);
    if (!account) throw new Error(`ledger of ${transfer.fundAccountNo} vanished`);
    const amount = Money.fromDb(transfer.amount);
    const source = { source: 'TRANSFER' as const, sourceId: transfer.transferId, businessDate: transfer.businessDate };

    switch (outcome.status) {
      case 'UNKNOWN':
        // Uncertainty is a state: the hold stays, nothing is credited (F-4.1 S / F-4.2 S).
        if (transfer.status !== 'UNKNOWN') transfer.unknownSince = this.clock.now();
        transfer.status = 'UNKNOWN';
        break;
      case 'SUCCEEDED':
        if (transfer.type === 'SECURITIES_TO_BANK') {
          await this.ledger.endHold(manager, account, transfer.holdId!, 'CONSUMED');
          await this.ledger.moveWithBank(manager, account, transfer.bankCode, amount.negated(), source);
        } else {
          await this.ledger.moveWithBank(manager, account, transfer.bankCode, amount, source);
        }
        transfer.status = 'SUCCEEDED';
        break;
      case 'FAILED':
      case 'REVERSED':
        if (transfer.holdId) await this.ledger.endHold(manager, account, transfer.holdId, 'RELEASED');
        transfer.status = outcome.status;
        transfer.failureCode = outcome.failure?.code ?? null;
        transfer.bankReturnCode = outcome.failure?.bankReturnCode ?? null;
        transfer.failureMessage = outcome.failure?.message ?? null;
        break;
      case 'PENDING':
        return;
    }
    await manager.save(transfer);
    if (FINAL_STATUSES.includes(transfer.status)) await this.settled.announce(manager, transfer.transferId);
    this.logger.log({ transferId: transfer.transferId, serialNo: transfer.serialNo, status: transfer.status, bankReturnCode: transfer.bankReturnCode ?? undefined }, 'transfer status changed');
  }
}

/** The amount's defect, named precisely (api.md: VALIDATION_FAILED with what is wrong). */
export function parseTransferAmount(text: unknown): Money {
  try {
    return Money.parse(typeof text === 'string' ? text : String(text), 'positive');
  } catch (e) {
    if (e instanceof AmountFormatError) {
      const why = {
        NOT_A_NUMBER: 'is not a decimal number',
        TOO_MANY_DECIMALS: 'has more than 2 decimals',
        TOO_MANY_DIGITS: 'has more than 18 digits',
        NOT_POSITIVE: 'must be greater than 0',
        NEGATIVE: 'must not be negative',
      }[e.defect];
      throw new DomainError('VALIDATION_FAILED', `amount "${e.input}" ${why}`, { field: 'amount', defect: e.defect });
    }
    throw e;
  }
}
