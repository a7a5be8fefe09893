import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { claimInboxEntry } from '@custody/messaging';
import { requireInfrastructure, type TestDatabase } from '@custody/testing';
import { DAY_MS, loadCustodyConfig, platformRetention, RetentionJob, RetentionSettings } from '@custody/service-kit';
import type { HoldsService } from './holds/holds.service';
import type { BankInitiatedTransferService } from './inbound/bank-initiated-transfer.service';
import { bankRequestFor, type InboundRequest, startTransferTestbed, type TestAccount, type TransferTestbed } from './testing/transfer-testbed';
import { ATTEMPTS_KEPT } from './transfers/transfer-attempts';
import { type TransferQueryService, transferView } from './transfers/transfer-query.service';
import type { TransferService } from './transfers/transfer.service';
import { Money } from '@custody/money';

/** What the transfer service keeps and prunes (docs/design.md "Retention"), against the real PostgreSQL. */
describe('transfer retention (real PostgreSQL)', () => {
  const BANK = '1021000';
  const config = loadCustodyConfig(resolve(__dirname, '../../../config/custody.local.yaml'));
  let testbed: TransferTestbed;
  let db: TestDatabase;
  let transfers: TransferService;
  let holds: HoldsService;
  let inbound: BankInitiatedTransferService;
  let queries: TransferQueryService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_retention', config);
    ({ db, transfers, holds, inbound, queries } = testbed);
  });

  afterAll(() => testbed?.db.drop());

  const designatedAccount = (): Promise<TestAccount> => testbed.designatedAccount(BANK);
  const bankRequest = (account: TestAccount, overrides: Partial<InboundRequest> = {}): InboundRequest => bankRequestFor(BANK, account, overrides);

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
    const withdrawal = await transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('100.00') });
    await unknownAgain(withdrawal, 'sent, no reply');
    await db.dataSource.transaction((m) => transfers.applyOutcome(m, { transferId: withdrawal, status: 'SUCCEEDED' }));
    await holds.place({ requestId: randomUUID(), fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('50.00'), reason: 'court order' });
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
    const transferId = await transfers.request({ requestId: randomUUID(), type: 'SECURITIES_TO_BANK', fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('100.00') });
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
