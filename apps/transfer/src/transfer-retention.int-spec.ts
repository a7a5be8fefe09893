import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { z } from 'zod';
import type { bankRequestReceived } from '@custody/contracts';
import { claimInboxEntry, Outbox } from '@custody/messaging';
import { createTestDatabase, requireInfrastructure, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import {
  ChinaCalendarDate,
  Clock,
  DAY_MS,
  IdempotencyStore,
  loadCustodyConfig,
  platformRetention,
  RetentionJob,
  RetentionSettings,
  SecretSealer,
  serviceMigrations,
  SettledNotifications,
} from '@custody/service-kit';
import { HoldsService } from './holds/holds.service';
import { BankInitiatedTransferService } from './inbound/bank-initiated-transfer.service';
import { LedgerRepository } from './ledger/ledger.repository';
import { CustodyProjection } from './projections/custody-projection';
import { ATTEMPTS_KEPT } from './transfers/transfer-attempts';
import { TransferQueryService, transferView } from './transfers/transfer-query.service';
import { TransferService } from './transfers/transfer.service';
import { gateWithoutAccountService } from './testing/fund-password-gate.fixture';
import { TRANSFER_SCHEMA } from './transfer.schema';

type InboundRequest = z.infer<typeof bankRequestReceived.schema>;

/** What the transfer service keeps and prunes (docs/design.md "Retention"), against the real PostgreSQL. */
describe('transfer retention (real PostgreSQL)', () => {
  const BANK = '1021000';
  const config = loadCustodyConfig(resolve(__dirname, '../../../config/custody.local.yaml'));
  const sealingKey = randomBytes(32);
  let db: TestDatabase;
  let transfers: TransferService;
  let holds: HoldsService;
  let inbound: BankInitiatedTransferService;
  let projection: CustodyProjection;
  let queries: TransferQueryService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    db = await createTestDatabase({
      name: 'transfer_retention',
      schema: TRANSFER_SCHEMA.schema,
      entities: TRANSFER_SCHEMA.entities,
      migrations: serviceMigrations(TRANSFER_SCHEMA.schema, sealingKey, TRANSFER_SCHEMA.migrations),
    });
    const ledger = new LedgerRepository();
    const outbox = new Outbox('transfer');
    const idempotency = new IdempotencyStore('transfer', sealingKey);
    const calendar = new ChinaCalendarDate();
    transfers = new TransferService(db.dataSource, ledger, idempotency, outbox, new SecretSealer(sealingKey), config, calendar, new Clock(), new SettledNotifications(db.databaseUrl, 'transfer_settled'), gateWithoutAccountService(sealingKey));
    holds = new HoldsService(db.dataSource, ledger, idempotency);
    inbound = new BankInitiatedTransferService(ledger, outbox, calendar, config, new Clock());
    projection = new CustodyProjection(outbox);
    queries = new TransferQueryService(db.dataSource);
  });

  afterAll(() => db?.drop());

  async function designatedAccount(): Promise<{ fundAccountNo: string; bankAccountNo: string }> {
    const fundAccountNo = uniqueFundAccountNo();
    const bankAccountNo = `62${Date.now()}`;
    await db.dataSource.transaction(async (m) => {
      await projection.fundAccountOpened(m, { fundAccountNo, customerNo: 'C1', currency: 'CNY', role: 'PRIMARY' });
      await projection.designationResolved(m, { relationshipId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo, status: 'DESIGNATED', custodyAccountNo: 'K1' });
    });
    return { fundAccountNo, bankAccountNo };
  }

  function bankRequest(account: { fundAccountNo: string; bankAccountNo: string }, overrides: Partial<InboundRequest> = {}): InboundRequest {
    const serialNo = overrides.serialNo ?? `B${randomUUID().replace(/-/g, '').slice(0, 15)}`;
    return {
      inboundId: randomUUID(),
      bankCode: BANK,
      route: { adapterInstanceId: 'a1', sessionId: 's1', requestRef: { serialNo, issuerType: 'B', issuerId: BANK } },
      function: 'BANK_TO_SECURITIES',
      serialNo,
      businessDate: '2026-11-21',
      resend: false,
      receivedAt: new Date().toISOString(),
      fundAccountNo: account.fundAccountNo,
      currency: 'CNY',
      amount: '250.00',
      bankAccountNo: account.bankAccountNo,
      ...overrides,
    };
  }

  const handle = (request: InboundRequest) => db.dataSource.transaction((m) => inbound.handle(m, request));
  const unknownAgain = (transferId: string, attempt: string) => db.dataSource.transaction((m) => transfers.applyOutcome(m, { transferId, status: 'UNKNOWN', attempt }));

  /** Every table of the schema with a digest of its rows, to see which ones a retention run touched. */
  async function tableDigests(): Promise<Record<string, { rows: number; digest: string }>> {
    const tables = (await db.dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'transfer' AND table_type = 'BASE TABLE' ORDER BY 1`)) as Array<{ table_name: string }>;
    const digests: Record<string, { rows: number; digest: string }> = {};
    for (const { table_name: table } of tables) {
      const [row] = await db.dataSource.query(`SELECT count(*)::int AS rows, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM transfer."${table}" t`);
      digests[table] = row;
    }
    return digests;
  }

  /** Moves every timestamp of every row a year back: everything is old enough to prune, if prunable. */
  async function ageEverythingAYear(): Promise<void> {
    const columns = (await db.dataSource.query(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'transfer' AND data_type = 'timestamp with time zone'`,
    )) as Array<{ table_name: string; column_name: string }>;
    for (const { table_name: table, column_name: column } of columns) {
      await db.dataSource.query(`UPDATE transfer."${table}" SET "${column}" = "${column}" - interval '1 year' WHERE "${column}" IS NOT NULL`);
    }
  }

  it('money records are kept: a run over year-old books prunes inbox, published outbox and idempotency keys, and no row of any other table', async () => {
    const account = await designatedAccount();
    const deposit = bankRequest(account);
    await handle(deposit);
    await handle(bankRequest(account, { function: 'REVERSE_BANK_TO_SECURITIES', serialNo: `B${Date.now()}`, cancelledRef: { serialNo: deposit.serialNo, issuerType: 'B', issuerId: BANK } }));
    await handle(bankRequest(account, { amount: '500.00' }));
    const withdrawal = await transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: '100.00' });
    await unknownAgain(withdrawal, 'sent, no reply');
    await db.dataSource.transaction((m) => transfers.applyOutcome(m, { transferId: withdrawal, status: 'SUCCEEDED' }));
    await holds.place({ requestId: randomUUID(), fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: '50.00', reason: 'court order' });
    await db.dataSource.transaction((m) =>
      claimInboxEntry(m, 'transfer', { consumerGroup: 'transfer', messageId: randomUUID(), messageType: 'transfer.outcome', topic: 't', partition: 0, offset: '0' }),
    );
    await db.dataSource.query(`UPDATE transfer.outbox SET published_at = now()`);
    await ageEverythingAYear();
    const before = await tableDigests();
    const scaffolding = ['inbox', 'outbox', 'idempotency_keys'];
    for (const table of [...scaffolding, 'transfers', 'journal_lines', 'ledger_accounts', 'holds', 'bank_reversals']) expect(before[table].rows).toBeGreaterThan(0);

    const run = await new RetentionJob({
      dataSource: db.dataSource,
      schema: 'transfer',
      tasks: platformRetention('transfer', RetentionSettings.fromEnv({}), 30 * DAY_MS),
      intervalMs: 60_000,
      batchSize: 2,
      pauseMs: 0,
    }).runOnce();

    expect(run.pruned).toEqual({ 'transfer.inbox': before.inbox.rows, 'transfer.outbox': before.outbox.rows, 'transfer.idempotency_keys': before.idempotency_keys.rows });
    const after = await tableDigests();
    for (const table of scaffolding) expect(after[table].rows).toBe(0);
    const kept = (digests: typeof before) => Object.fromEntries(Object.entries(digests).filter(([table]) => !scaffolding.includes(table)));
    expect(kept(after)).toEqual(kept(before));
  });

  it('a transfer queried without end keeps its first and latest attempts, counts the ones between, and shows where they were', async () => {
    const account = await designatedAccount();
    await handle(bankRequest(account, { amount: '1000.00' }));
    const transferId = await transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: '100.00' });
    const total = ATTEMPTS_KEPT.first + ATTEMPTS_KEPT.latest + 25;
    for (let i = 1; i <= total; i += 1) await unknownAgain(transferId, `query #${i}: in progress`);

    const [row] = await db.dataSource.query(`SELECT cardinality(attempts) AS kept, attempts_dropped AS dropped FROM transfer.transfers WHERE transfer_id = $1`, [transferId]);
    expect(row).toEqual({ kept: ATTEMPTS_KEPT.first + ATTEMPTS_KEPT.latest, dropped: 25 });
    const { attempts } = transferView(await queries.get(transferId));
    expect(attempts[0]).toBe('query #1: in progress');
    expect(attempts[ATTEMPTS_KEPT.first]).toMatch(/^… 25 more attempts/);
    expect(attempts.at(-1)).toBe(`query #${total}: in progress`);
  });
});
