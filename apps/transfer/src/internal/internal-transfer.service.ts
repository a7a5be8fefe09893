import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Money } from '@custody/money';
import { type BankConfig, Clock, CUSTODY_CONFIG, type CustodyConfig, DomainError, findBank, IdempotencyStore, nextSerialNo } from '@custody/service-kit';
import { BankDayProjection, TRANSFER_SERIALS } from '../day/bank-day.projection';
import { refusalToStart } from '../day/day-rules';
import { FundPasswordGate } from '../fund-passwords/fund-password.gate';
import type { LedgerAccount } from '../ledger/ledger-account.entity';
import { LedgerRepository } from '../ledger/ledger.repository';
import { canTake, customerAccount } from '../ledger/ledger-rules';
import type { RequestTransferBody } from '../transfers/transfer.dto';
import { SettlementInstructions } from '../settlement/settlement-instructions';
import { Transfer } from '../transfers/transfer.entity';
import { TransferMetrics } from '../transfers/transfer-metrics';
import { assertInternalTransferAllowed, interbankAccount } from './internal-transfer-rules';

/**
 * F-4.7 (资金划转): money between a customer's primary and auxiliary fund accounts. No bank is called: the
 * ledger moves at once and the transfer is SUCCEEDED; the cash follows with the day's inter-bank settlement,
 * for which an instruction is recorded (and announced) in the same transaction.
 */
@Injectable()
export class InternalTransferService {
  private readonly logger = new Logger(InternalTransferService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
    private readonly idempotency: IdempotencyStore,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
    private readonly bankDays: BankDayProjection,
    private readonly clock: Clock,
    private readonly fundPasswords: FundPasswordGate,
    private readonly instructions: SettlementInstructions,
    private readonly metrics: TransferMetrics,
  ) {}

  async request(body: RequestTransferBody): Promise<string> {
    const { amount } = body;
    const counterpart = body.counterpartFundAccountNo;
    if (!counterpart) throw new DomainError('VALIDATION_FAILED', 'counterpartFundAccountNo is required for an INTERNAL transfer', { field: 'counterpartFundAccountNo' });
    if (counterpart === body.fundAccountNo) throw new DomainError('VALIDATION_FAILED', 'an INTERNAL transfer needs two different fund accounts', { field: 'counterpartFundAccountNo' });
    // Before the transaction: a refused password leaves nothing behind, not even the idempotency key.
    await this.fundPasswords.authorise(body);
    return this.dataSource.transaction((manager) => this.requestIn(manager, body, counterpart, amount));
  }

  private async requestIn(manager: EntityManager, body: RequestTransferBody, counterpart: string, amount: Money): Promise<string> {
    const startedAt = this.clock.now();
    const { replayOf } = await this.idempotency.claim(manager, 'transfer', body.requestId, body);
    if (replayOf) return replayOf;
    const { source, target } = await this.lockBoth(manager, body.fundAccountNo, counterpart, body.currency);
    assertInternalTransferAllowed(source, target);
    if (!canTake(this.ledger.figures(source), amount)) {
      const { balance, held } = this.ledger.figures(source);
      throw new DomainError('INSUFFICIENT_WITHDRAWABLE', `fund account ${source.fundAccountNo} has ${balance.minus(held).toString()} ${source.currency} withdrawable, ${amount.toString()} asked`);
    }
    const fromBank = findBank(this.config, source.bankCode!);
    const toBank = findBank(this.config, target.bankCode!);
    if (!fromBank || !toBank) throw new DomainError('UNKNOWN_BANK', `bank ${fromBank ? target.bankCode : source.bankCode} is not configured`);

    // Both banks' days must be open: the move is settled between their summary accounts on that date (§9).
    const businessDate = await this.openDayOf(manager, fromBank, toBank);
    const transferId = randomUUID();
    const serialNo = await nextSerialNo(manager, TRANSFER_SERIALS, 'transfer', businessDate);
    await manager.insert(Transfer, {
      transferId,
      type: 'INTERNAL',
      initiator: 'S',
      serialNo,
      ourSerialNo: serialNo,
      bankSerialNo: null,
      bankCode: fromBank.code,
      bankAccountNo: null,
      fundAccountNo: source.fundAccountNo,
      counterpartFundAccountNo: target.fundAccountNo,
      currency: body.currency,
      amount: amount.toString(),
      status: 'SUCCEEDED',
      failureCode: null,
      bankReturnCode: null,
      failureMessage: null,
      holdId: null,
      attempts: [],
      businessDate,
      unknownSince: null,
    });
    await this.post(manager, source, target, amount, { transferId, businessDate });
    if (fromBank.code !== toBank.code) {
      // §13 puts each of a customer's fund accounts at a different bank; were both at one bank (a bank change
      // in flight), the cash is already where the ledger says and nothing is to settle.
      await this.instructions.record(manager, { transferId, businessDate, currency: body.currency, amount, from: fromBank, to: toBank });
    }
    await this.idempotency.complete(manager, 'transfer', body.requestId, transferId);
    this.metrics.reached(manager, { transferId, bankCode: fromBank.code, type: 'INTERNAL', initiator: 'S' }, 'SUCCEEDED', startedAt);
    this.logger.log({ transferId, serialNo, from: source.fundAccountNo, to: target.fundAccountNo, amount: amount.toString() }, 'internal transfer posted');
    return transferId;
  }

  /**
   * Both ledger rows under lock, always in fund-account order, so two opposite transfers between the same
   * pair cannot deadlock. A fund account without a ledger in this currency is NOT_FOUND, or CURRENCY_MISMATCH
   * when it has one in another currency (an internal transfer never changes currency).
   */
  private async lockBoth(manager: EntityManager, from: string, to: string, currency: string): Promise<{ source: LedgerAccount; target: LedgerAccount }> {
    const locked = new Map<string, LedgerAccount | null>();
    for (const fundAccountNo of [from, to].sort()) locked.set(fundAccountNo, await this.ledger.lock(manager, fundAccountNo, currency));
    for (const fundAccountNo of [from, to]) {
      if (locked.get(fundAccountNo)) continue;
      const [other]: Array<{ currency: string }> = await manager.query(`SELECT currency FROM transfer.ledger_accounts WHERE fund_account_no = $1 LIMIT 1`, [fundAccountNo]);
      if (other) throw new DomainError('CURRENCY_MISMATCH', `fund account ${fundAccountNo} holds ${other.currency}, not ${currency}`);
      throw new DomainError('NOT_FOUND', `fund account ${fundAccountNo} has no ${currency} ledger`);
    }
    return { source: locked.get(from)!, target: locked.get(to)! };
  }

  /** One balanced posting across both customers' ledgers and the two banks' pending settlement (see interbankAccount). */
  /** The business date of the move: both banks' days open on it, inside their windows. */
  private async openDayOf(manager: EntityManager, ...banks: BankConfig[]): Promise<string> {
    const dates = new Set<string>();
    for (const bank of banks) {
      const day = await this.bankDays.of(manager, bank.code);
      const refusal = refusalToStart(bank.code, day, bank.transferWindow, this.clock.now());
      if (refusal) throw new DomainError(refusal.code, refusal.detail);
      dates.add(day!.businessDate);
    }
    // Each bank opens the broker's date; two open days of different dates exist only while a date switch starts them.
    if (dates.size > 1) throw new DomainError('OUTSIDE_TRANSFER_WINDOW', `the two banks are on different dates (${[...dates].join(', ')}): try again in a moment`);
    return [...dates][0];
  }

  private async post(manager: EntityManager, source: LedgerAccount, target: LedgerAccount, amount: Money, ref: { transferId: string; businessDate: string }): Promise<void> {
    const lines = [
      { account: customerAccount(source.fundAccountNo), fundAccountNo: source.fundAccountNo, amount: amount.negated(), ledger: source },
      { account: customerAccount(target.fundAccountNo), fundAccountNo: target.fundAccountNo, amount, ledger: target },
    ];
    const interbank =
      source.bankCode === target.bankCode
        ? []
        : [
            { account: interbankAccount(source.bankCode!), fundAccountNo: null, amount },
            { account: interbankAccount(target.bankCode!), fundAccountNo: null, amount: amount.negated() },
          ];
    // Both ledger rows are locked above; the CHECK (balance >= held) still guards the source against any slip.
    await this.ledger.post(manager, source.currency, [...lines, ...interbank], { source: 'TRANSFER', sourceId: ref.transferId, businessDate: ref.businessDate });
  }
}
