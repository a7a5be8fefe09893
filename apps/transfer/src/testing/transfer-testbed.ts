import { randomBytes, randomUUID } from 'node:crypto';
import type { bankRequestReceived } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { chinaDateOf, Clock, type CustodyConfig, IdempotencyStore, SecretSealer, serviceMigrations, SettledNotifications } from '@custody/service-kit';
import { createTestDatabase, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { Registry } from 'prom-client';
import type { z } from 'zod';
import { AdjustmentRepository } from '../adjustments/adjustment.repository';
import { AdjustmentService } from '../adjustments/adjustment.service';
import { ManualCases } from '../cases/manual-cases';
import { LedgerClosingRepository } from '../closings/ledger-closing.repository';
import { LedgerClosingService } from '../closings/ledger-closing.service';
import { DayFilesRepository } from '../day-files/day-files.repository';
import { DayFilesService } from '../day-files/day-files.service';
import { HoldsService } from '../holds/holds.service';
import { BankChangeLedger } from '../closings/bank-change-ledger';
import { SettlementInstructions } from '../settlement/settlement-instructions';
import { InternalTransferService } from '../internal/internal-transfer.service';
import { BankCancellationService } from '../inbound/bank-cancellation.service';
import { BankInitiatedTransferService } from '../inbound/bank-initiated-transfer.service';
import { BankReversalRepository } from '../inbound/bank-reversal.repository';
import { LedgerRepository } from '../ledger/ledger.repository';
import { BankOpeningRepository } from '../projections/bank-opening.repository';
import { CustodyProjection } from '../projections/custody-projection';
import { PrimaryChangeService } from '../roles/primary-change.service';
import { BankDayProjection } from '../day/bank-day.projection';
import { LedgerActivityRepository } from '../dormancy/ledger-activity.repository';
import { LedgerDormancyService } from '../dormancy/ledger-dormancy.service';
import { StatementRepository } from '../statements/statement.repository';
import { StatementService } from '../statements/statement.service';
import { TRANSFER_SCHEMA } from '../transfer.schema';
import { TransferQueryService } from '../transfers/transfer-query.service';
import { TransferRepository } from '../transfers/transfer.repository';
import { TransferService } from '../transfers/transfer.service';
import { TransferMetrics } from '../transfers/transfer-metrics';
import { gateWithoutAccountService } from './fund-password-gate.fixture';

export type InboundRequest = z.infer<typeof bankRequestReceived.schema>;

export interface TestAccount {
  fundAccountNo: string;
  bankAccountNo: string;
}

/**
 * The transfer service's parts, wired as its module wires them, over a fresh database with its real migrations.
 * No account service behind the fund-password gate: these transfers carry no fundPassword (the system tests
 * and fund-password.gate.spec.ts cover those).
 */
export interface TransferTestbed {
  readonly db: TestDatabase;
  readonly sealingKey: Buffer;
  readonly ledger: LedgerRepository;
  readonly outbox: Outbox;
  readonly transfers: TransferService;
  readonly internal: InternalTransferService;
  readonly holds: HoldsService;
  readonly primaryChanges: PrimaryChangeService;
  readonly inbound: BankInitiatedTransferService;
  readonly cancellations: BankCancellationService;
  readonly projection: CustodyProjection;
  readonly closings: LedgerClosingService;
  readonly queries: TransferQueryService;
  readonly bankDays: BankDayProjection;
  /** The business date every configured bank's day was opened on (today in China, by the testbed's clock). */
  readonly businessDate: string;
  readonly statements: StatementService;
  readonly adjustments: AdjustmentService;
  readonly dayFiles: DayFilesService;
  readonly dormancy: LedgerDormancyService;
  /** Wakes a waiting caller once a transfer settles; this process's waiters only (no Redis in a one-process testbed). */
  readonly settled: SettledNotifications;
  /** The testbed's own metrics registry, as a service process's `GET /metrics` shows it. */
  readonly metrics: Registry;
  /**
   * Every configured bank's day open on `date`. Tests move the date freely, back in time too, which the
   * projection (the newest announcement wins) would never accept from the saga: so this sets it outright.
   */
  openDay(date: string): Promise<void>;
  /** A PRIMARY fund account designated at `bankCode`, as the account service's events leave it in the ledger. */
  designatedAccount(bankCode: string, options?: { currency?: 'CNY' | 'USD'; customerName?: string; branchId?: string } & Partial<TestAccount>): Promise<TestAccount>;
}

export async function startTransferTestbed(name: string, config: CustodyConfig, clock: Clock = new Clock()): Promise<TransferTestbed> {
  const sealingKey = randomBytes(32);
  const db = await createTestDatabase({
    name,
    schema: TRANSFER_SCHEMA.schema,
    entities: TRANSFER_SCHEMA.entities,
    migrations: serviceMigrations(TRANSFER_SCHEMA.schema, sealingKey, TRANSFER_SCHEMA.migrations),
  });
  const ledger = new LedgerRepository();
  const outbox = new Outbox('transfer');
  const bankDays = new BankDayProjection();
  // Every bank's day open, as the saga's day-changed events leave it once each bank answered 13012.
  const businessDate = chinaDateOf(clock.now());
  const openDay = async (date: string) => {
    await db.dataSource.query(`DELETE FROM transfer.bank_days`);
    await db.dataSource.transaction(async (m) => {
      for (const bank of config.banks) await bankDays.apply(m, { bankCode: bank.code, businessDate: date, phase: 'OPEN', changedAt: clock.now().toISOString() });
    });
  };
  await openDay(businessDate);
  const idempotency = new IdempotencyStore('transfer', sealingKey);
  const settled = new SettledNotifications('transfer_settled');
  const transferRows = new TransferRepository();
  const closings = new LedgerClosingService(ledger, transferRows, new LedgerClosingRepository(), outbox);
  const instructions = new SettlementInstructions(outbox);
  const projection = new CustodyProjection(outbox, closings, ledger, new BankOpeningRepository(), new BankChangeLedger(ledger, new LedgerClosingRepository(), instructions, config));
  const cases = new ManualCases(outbox);
  const metrics = new Registry();
  const transferMetrics = new TransferMetrics(metrics, clock, db.dataSource, transferRows, config);
  const transfers = new TransferService(db.dataSource, ledger, idempotency, outbox, new SecretSealer(sealingKey), config, clock, settled, gateWithoutAccountService(sealingKey), cases, transferRows, transferMetrics);
  return {
    db,
    sealingKey,
    ledger,
    outbox,
    transfers,
    internal: new InternalTransferService(db.dataSource, ledger, idempotency, config, bankDays, clock, gateWithoutAccountService(sealingKey), instructions, transferMetrics),
    holds: new HoldsService(db.dataSource, ledger, idempotency),
    primaryChanges: new PrimaryChangeService(ledger, outbox),
    inbound: new BankInitiatedTransferService(ledger, outbox, bankDays, config, clock, cases, transferMetrics, transferRows, new BankReversalRepository()),
    cancellations: new BankCancellationService(ledger, transferRows, idempotency, outbox),
    projection,
    closings,
    queries: new TransferQueryService(db.dataSource, transferRows),
    bankDays,
    businessDate,
    openDay,
    statements: new StatementService(new StatementRepository(db.dataSource)),
    adjustments: new AdjustmentService(db.dataSource, new AdjustmentRepository(), ledger, transfers, bankDays, idempotency, outbox, config, clock),
    dayFiles: new DayFilesService(db.dataSource, new DayFilesRepository(), bankDays, config, clock),
    dormancy: new LedgerDormancyService(outbox, new LedgerActivityRepository()),
    settled,
    metrics,
    async designatedAccount(bankCode, options = {}) {
      const currency = options.currency ?? 'CNY';
      const fundAccountNo = options.fundAccountNo ?? uniqueFundAccountNo();
      const bankAccountNo = options.bankAccountNo ?? `62${randomUUID().replace(/\D/g, '').slice(0, 14)}`;
      await db.dataSource.transaction(async (m) => {
        await projection.fundAccountOpened(m, { fundAccountNo, customerNo: 'C1', currency, role: 'PRIMARY', customerName: options.customerName, branchId: options.branchId });
        await projection.designationResolved(m, { relationshipId: randomUUID(), fundAccountNo, currency, bankCode, bankAccountNo, status: 'DESIGNATED', custodyAccountNo: 'K1' });
      });
      return { fundAccountNo, bankAccountNo };
    },
  };
}

/** A deposit the bank started (F-4.1 B) as its adapter forwards it; tests change only what they are about. */
export function bankRequestFor(bankCode: string, account: TestAccount, overrides: Partial<InboundRequest> = {}, receivedAt: Date = new Date()): InboundRequest {
  const serialNo = overrides.serialNo ?? `B${randomUUID().replace(/-/g, '').slice(0, 15)}`;
  return {
    inboundId: randomUUID(),
    bankCode,
    route: { adapterInstanceId: 'a1', sessionId: 's1', requestRef: { serialNo, issuerType: 'B', issuerId: bankCode } },
    function: 'BANK_TO_SECURITIES',
    serialNo,
    businessDate: '2026-11-21',
    resend: false,
    receivedAt: receivedAt.toISOString(),
    fundAccountNo: account.fundAccountNo,
    currency: 'CNY',
    amount: '250.00',
    bankAccountNo: account.bankAccountNo,
    ...overrides,
  };
}
