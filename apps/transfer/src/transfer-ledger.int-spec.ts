import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { bankReplyReadyFor } from '@custody/contracts';
import { resolve } from 'node:path';
import { requireInfrastructure, statementsDuring, uniqueFundAccountNo, type TestDatabase } from '@custody/testing';
import { deriveDigestKey, DomainError, loadCustodyConfig, requestDigest } from '@custody/service-kit';
import { Money } from '@custody/money';
import type { HoldsService } from './holds/holds.service';
import { LedgerAccount } from './ledger/ledger-account.entity';
import { Transfer } from './transfers/transfer.entity';
import type { BankInitiatedTransferService } from './inbound/bank-initiated-transfer.service';
import { bankRequestFor, startTransferTestbed, type TestAccount, type TransferTestbed } from './testing/transfer-testbed';
import type { TransferService } from './transfers/transfer.service';

/** The transfer service's ledger rules against the real PostgreSQL, with its real migrations. */
describe('transfer service ledger (real PostgreSQL)', () => {
  const BANK = '1021000';
  const REPLY_TOPIC = bankReplyReadyFor(BANK).name;
  const config = loadCustodyConfig(resolve(__dirname, '../../../config/custody.local.yaml'));
  let testbed: TransferTestbed;
  let db: TestDatabase;
  let transfers: TransferService;
  let holds: HoldsService;
  let inbound: BankInitiatedTransferService;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_ledger', config);
    ({ db, transfers, holds, inbound } = testbed);
  });

  afterAll(() => testbed?.db.drop());

  const designatedAccount = (): Promise<TestAccount> => testbed.designatedAccount(BANK);

  async function bankDeposit(account: TestAccount, amount: string, serialNo = `B${randomUUID().slice(0, 12)}`) {
    await db.dataSource.transaction((m) => inbound.handle(m, bankRequestFor(BANK, account, { serialNo, amount })));
    return serialNo;
  }

  async function figures(fundAccountNo: string) {
    const [row] = await db.dataSource.query(`SELECT balance::text, held::text FROM transfer.ledger_accounts WHERE fund_account_no = $1`, [fundAccountNo]);
    const [journal] = await db.dataSource.query(`SELECT coalesce(sum(amount), 0)::text AS total FROM transfer.journal_lines WHERE account = $1`, [`CUSTOMER:${fundAccountNo}`]);
    return { balance: row.balance as string, held: row.held as string, journal: journal.total as string };
  }

  async function lastReplyCode(): Promise<string> {
    const [row] = await db.dataSource.query(`SELECT envelope FROM transfer.outbox WHERE topic = $1 ORDER BY id DESC LIMIT 1`, [REPLY_TOPIC]);
    return row.envelope.payload.returnCode;
  }

  const withdraw = (fundAccountNo: string, amount: string, requestId = randomUUID()) =>
    transfers.request({ requestId, type: 'SECURITIES_TO_BANK', fundAccountNo, currency: 'CNY', amount: Money.parse(amount) });

  const outcome = (transferId: string, status: 'SUCCEEDED' | 'FAILED' | 'UNKNOWN', bankReturnCode?: string) =>
    db.dataSource.transaction((m) =>
      transfers.applyOutcome(m, { transferId, status, failure: status === 'FAILED' ? { code: 'BANK_REJECTED', bankReturnCode, message: 'x' } : undefined, attempt: status === 'UNKNOWN' ? 'sent, no reply' : undefined }),
    );

  it('F-4.1 B: a bank-initiated deposit credits once; its repeat returns the first answer and moves nothing (I6)', async () => {
    const account = await designatedAccount();
    const serial = await bankDeposit(account, '250.00');
    expect(await lastReplyCode()).toBe('0000');
    await bankDeposit(account, '250.00', serial);
    expect(await lastReplyCode()).toBe('0000');
    expect(await figures(account.fundAccountNo)).toEqual({ balance: '250.00', held: '0.00', journal: '250.00' });
  });

  it('issue 9: a bank’s deposit reads what its serial already names — a transfer, a reversal — in one statement after the serial’s lock, and its bank’s day, serial number and locked ledger in one more', async () => {
    const account = await designatedAccount();
    const statements = await statementsDuring(db.dataSource, () => bankDeposit(account, '20.00'));
    expect(await lastReplyCode()).toBe('0000');
    const reads = statements.filter((sql) => sql.includes('transfer.bank_reversals'));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toContain('transfer.transfers');
    expect(statements.findIndex((sql) => /advisory_xact_lock/i.test(sql))).toBeLessThan(statements.indexOf(reads[0]));
    // The bank's day, our serial's number and the ledger under its lock: one statement more, not three.
    expect(statements.filter((sql) => sql.includes('transfer.bank_days') || /nextval/.test(sql) || /transfer\.ledger_accounts l WHERE/.test(sql))).toHaveLength(1);
  });

  it('F-4.1 B: an unknown fund account (2011, also one that is not 1-14 digits) or another bank account (3001) is refused and changes nothing', async () => {
    const account = await designatedAccount();
    await bankDeposit({ fundAccountNo: '99999999999999', bankAccountNo: account.bankAccountNo }, '10.00');
    expect(await lastReplyCode()).toBe('2011');
    // The bank may send any ScAcct; a number no fund account can have is unknown here, not a format error.
    await bankDeposit({ fundAccountNo: 'F0001', bankAccountNo: account.bankAccountNo }, '10.00');
    expect(await lastReplyCode()).toBe('2011');
    await bankDeposit({ fundAccountNo: account.fundAccountNo, bankAccountNo: '6200000000' }, '10.00');
    expect(await lastReplyCode()).toBe('3001');
    expect(await figures(account.fundAccountNo)).toEqual({ balance: '0.00', held: '0.00', journal: '0' });
  });

  it('F-4.2 S: the hold becomes the debit on success; a redelivered or conflicting verdict changes nothing', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '1000.00');
    const transferId = await withdraw(account.fundAccountNo, '300.00');
    expect(await figures(account.fundAccountNo)).toMatchObject({ balance: '1000.00', held: '300.00' });
    await outcome(transferId, 'SUCCEEDED');
    await outcome(transferId, 'SUCCEEDED');
    await outcome(transferId, 'FAILED', '1002');
    expect(await figures(account.fundAccountNo)).toEqual({ balance: '700.00', held: '0.00', journal: '700.00' });
  });

  it('issue 9: no transaction of a transfer issues a NOTIFY; its settlement wakes a waiting caller once it has committed', async () => {
    const account = await designatedAccount();
    let transferId = '';
    let waiting = Promise.resolve(0);
    const statements = await statementsDuring(db.dataSource, async () => {
      await bankDeposit(account, '80.00');
      transferId = await withdraw(account.fundAccountNo, '30.00');
      waiting = testbed.settled.changed(transferId, 10_000).then(() => Date.now());
      await outcome(transferId, 'SUCCEEDED');
    });
    const committedAt = Date.now();
    // Woken by the commit, not by the waiter's own timeout.
    expect((await waiting) - committedAt).toBeLessThan(5_000);
    expect(statements.filter((sql) => sql.includes('"transfer"."outbox"'))).not.toEqual([]);
    expect(statements.filter((sql) => /notify/i.test(sql))).toEqual([]);
  });

  /** How many statements of `statements` name each of the transfer tables, however they are quoted. */
  const statementsPerTable = (statements: string[]) =>
    Object.fromEntries(['ledger_accounts', 'holds', 'transfers', 'journal_lines'].map((table) => [table, statements.filter((sql) => new RegExp(`"?transfer"?\\."?${table}\\b`).test(sql)).length]));

  it('issue 9: a withdrawal and its success write the ledger row once per transaction, with the hold, or the journal and the hold’s end, in the same statement; the start reads its ledger, its bank’s day and its serial in one, the success locks the transfer and its ledger in one', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '90.00');
    let transferId = '';
    const requested = await statementsDuring(db.dataSource, async () => (transferId = await withdraw(account.fundAccountNo, '40.00')));
    // The ledger locked, then written with the hold in one statement, the transfer inserted.
    expect(statementsPerTable(requested)).toEqual({ ledger_accounts: 2, holds: 1, transfers: 1, journal_lines: 0 });
    // BEGIN, the key claimed with the transfer's id (nothing to complete), the ledger locked with its bank's day and the
    // serial's number, hold + ledger, the transfer, the outbox row, COMMIT.
    expect(requested.filter((sql) => sql.includes('transfer.ledger_accounts') && sql.includes('transfer.bank_days') && sql.includes('nextval'))).toHaveLength(1);
    expect(requested).toHaveLength(7);
    const settled = await statementsDuring(db.dataSource, () => outcome(transferId, 'SUCCEEDED'));
    // The transfer and its ledger locked in one statement; the hold consumed and the ledger written once for the hold and
    // the debit, in the statement that writes the posting's two lines; the transfer settled.
    expect(statementsPerTable(settled)).toEqual({ ledger_accounts: 2, holds: 1, transfers: 2, journal_lines: 1 });
    expect(settled.filter((sql) => sql.includes('transfer.transfers') && sql.includes('transfer.ledger_accounts') && /FOR UPDATE OF t, l/.test(sql))).toHaveLength(1);
    expect(settled.filter((sql) => sql.includes('transfer.ledger_accounts') && sql.includes('transfer.journal_lines') && sql.includes('transfer.holds'))).toHaveLength(1);
    expect(settled).toHaveLength(5);
    expect(await figures(account.fundAccountNo)).toEqual({ balance: '50.00', held: '0.00', journal: '50.00' });
    const lines = await db.dataSource.query(
      `SELECT account, amount::text AS amount, source, source_id, business_date::text AS business_date FROM transfer.journal_lines WHERE source_id = $1 ORDER BY line_id`,
      [transferId],
    );
    expect(lines).toEqual([
      { account: `CUSTOMER:${account.fundAccountNo}`, amount: '-40.00', source: 'TRANSFER', source_id: transferId, business_date: testbed.businessDate },
      { account: `SUMMARY:${BANK}`, amount: '40.00', source: 'TRANSFER', source_id: transferId, business_date: testbed.businessDate },
    ]);
    const [hold] = await db.dataSource.query(`SELECT h.status FROM transfer.holds h JOIN transfer.transfers t ON t.hold_id = h.hold_id WHERE t.transfer_id = $1`, [transferId]);
    expect(hold.status).toBe('CONSUMED');
  });

  it('issue 9: a success whose hold reserved another amount than the transfer moves nothing: the posting that ends it is rolled back with its transaction', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '90.00');
    const transferId = await withdraw(account.fundAccountNo, '40.00');
    // Never written so by the service: a hold tampered with, or a defect elsewhere.
    await db.dataSource.query(`UPDATE transfer.holds SET amount = 39.99 WHERE hold_id = (SELECT hold_id FROM transfer.transfers WHERE transfer_id = $1)`, [transferId]);
    await expect(outcome(transferId, 'SUCCEEDED')).rejects.toThrow(/reserved 39\.99, not the 40\.00 its posting consumes/);
    expect(await figures(account.fundAccountNo)).toEqual({ balance: '90.00', held: '40.00', journal: '90.00' });
    const [hold] = await db.dataSource.query(`SELECT h.status FROM transfer.holds h JOIN transfer.transfers t ON t.hold_id = h.hold_id WHERE t.transfer_id = $1`, [transferId]);
    expect(hold.status).toBe('ACTIVE');
    expect((await testbed.queries.get(transferId)).status).toBe('PENDING');
  });

  it('issue 9: the repositories read a transfer and a ledger exactly as TypeORM hydrates their entities', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '75.50');
    const transferId = await withdraw(account.fundAccountNo, '20.25');
    await outcome(transferId, 'UNKNOWN');
    const unknown = await testbed.queries.get(transferId);
    expect(unknown).toStrictEqual(await db.dataSource.getRepository(Transfer).findOneByOrFail({ transferId }));
    expect(unknown).toMatchObject({ amount: '20.25', businessDate: testbed.businessDate, unknownSince: expect.any(Date), createdAt: expect.any(Date), attempts: ['sent, no reply'] });
    await outcome(transferId, 'FAILED', '1052');
    expect(await testbed.queries.get(transferId)).toStrictEqual(await db.dataSource.getRepository(Transfer).findOneByOrFail({ transferId }));
    await db.dataSource.transaction(async (m) => {
      const locked = await testbed.ledger.lock(m, account.fundAccountNo, 'CNY');
      expect(locked).toStrictEqual(await m.findOneByOrFail(LedgerAccount, { fundAccountNo: account.fundAccountNo, currency: 'CNY' }));
      expect(locked).toMatchObject({ balance: '75.50', held: '0.00' });
    });
  });

  it('F-4.2 S: UNKNOWN keeps the hold (never released on a guess); a definite failure releases it', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '100.00');
    const transferId = await withdraw(account.fundAccountNo, '100.00');
    await outcome(transferId, 'UNKNOWN');
    expect(await figures(account.fundAccountNo)).toMatchObject({ balance: '100.00', held: '100.00' });
    const [row] = await db.dataSource.query(`SELECT status, attempts, unknown_since FROM transfer.transfers WHERE transfer_id = $1`, [transferId]);
    expect(row).toMatchObject({ status: 'UNKNOWN', attempts: ['sent, no reply'] });
    expect(row.unknown_since).not.toBeNull();
    await outcome(transferId, 'FAILED', '1052');
    expect(await figures(account.fundAccountNo)).toEqual({ balance: '100.00', held: '0.00', journal: '100.00' });
  });

  it('I7: concurrent withdrawals never take more than withdrawable', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '500.00');
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => withdraw(account.fundAccountNo, '100.00')));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(refused.every((r) => r.status === 'rejected' && r.reason instanceof DomainError && r.reason.code === 'INSUFFICIENT_WITHDRAWABLE')).toBe(true);
    expect(await figures(account.fundAccountNo)).toMatchObject({ balance: '500.00', held: '500.00' });
  });

  it('api.md idempotency: the same requestId returns the same transfer; another body is refused', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '50.00');
    const requestId = randomUUID();
    const [a, b] = await Promise.all([withdraw(account.fundAccountNo, '10.00', requestId), withdraw(account.fundAccountNo, '10.00', requestId)]);
    expect(a).toBe(b);
    await expect(withdraw(account.fundAccountNo, '11.00', requestId)).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await figures(account.fundAccountNo)).toMatchObject({ held: '10.00' });
  });

  /** Holds and securities-initiated transfers (the deposits that fund the tests are bank-initiated). */
  async function rowCounts(fundAccountNo: string) {
    const [row] = await db.dataSource.query(
      `SELECT (SELECT count(*)::int FROM transfer.holds WHERE fund_account_no = $1) AS holds,
              (SELECT count(*)::int FROM transfer.transfers WHERE fund_account_no = $1 AND initiator = 'S') AS transfers`,
      [fundAccountNo],
    );
    return row as { holds: number; transfers: number };
  }

  it('api.md idempotency: concurrent twins on a balance covering only one both get the first transfer, not INSUFFICIENT_WITHDRAWABLE', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '10.00');
    const requestId = randomUUID();
    const [a, b] = await Promise.all([withdraw(account.fundAccountNo, '10.00', requestId), withdraw(account.fundAccountNo, '10.00', requestId)]);
    expect(a).toBe(b);
    expect(await rowCounts(account.fundAccountNo)).toEqual({ holds: 1, transfers: 1 });
    expect(await figures(account.fundAccountNo)).toMatchObject({ balance: '10.00', held: '10.00' });
  });

  it('api.md idempotency: concurrent twins with different bodies: one succeeds, the other is 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '100.00');
    const requestId = randomUUID();
    const results = await Promise.allSettled([withdraw(account.fundAccountNo, '10.00', requestId), withdraw(account.fundAccountNo, '20.00', requestId)]);
    const won = results.findIndex((r) => r.status === 'fulfilled');
    expect(won).toBeGreaterThanOrEqual(0);
    const lost = results[1 - won];
    expect(lost.status === 'rejected' && lost.reason instanceof DomainError && lost.reason.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await rowCounts(account.fundAccountNo)).toEqual({ holds: 1, transfers: 1 });
    expect(await figures(account.fundAccountNo)).toMatchObject({ held: won === 0 ? '10.00' : '20.00' });
  });

  it('api.md idempotency: concurrent twin trading holds place one hold', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '30.00');
    const input = { requestId: randomUUID(), fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('30.00'), reason: 'order 1' };
    const [a, b] = await Promise.all([holds.place(input), holds.place({ ...input })]);
    expect(a).toBe(b);
    expect(await rowCounts(account.fundAccountNo)).toEqual({ holds: 1, transfers: 0 });
    expect(await figures(account.fundAccountNo)).toMatchObject({ held: '30.00' });
  });

  it('releasing is idempotent: two concurrent releases of one hold both succeed and release it once', async () => {
    const account = await designatedAccount();
    await bankDeposit(account, '40.00');
    const holdId = await holds.place({ requestId: randomUUID(), fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('25.00'), reason: 'order 2' });
    await holds.place({ requestId: randomUUID(), fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('5.00'), reason: 'order 3' });
    await expect(Promise.all([holds.release(holdId), holds.release(holdId)])).resolves.toEqual([undefined, undefined]);
    const [hold] = await db.dataSource.query(`SELECT status FROM transfer.holds WHERE hold_id = $1`, [holdId]);
    expect(hold.status).toBe('RELEASED');
    expect(await figures(account.fundAccountNo)).toMatchObject({ balance: '40.00', held: '5.00' });
  });

  it('domain.md §3, §14: the stored digest of a body holding a password is keyed, so PINs cannot be tried against it', async () => {
    const account = await designatedAccount();
    const body = { requestId: randomUUID(), type: 'BANK_TO_SECURITIES' as const, fundAccountNo: account.fundAccountNo, currency: 'CNY' as const, amount: Money.parse('1.00'), bankPassword: '123456' };
    await transfers.request(body);
    const [row] = await db.dataSource.query(`SELECT request_digest, resource_id FROM transfer.idempotency_keys WHERE scope = 'transfer' AND request_id = $1`, [body.requestId]);
    const clear = `{"amount":"1.00","bankPassword":"123456","currency":"CNY","fundAccountNo":"${body.fundAccountNo}","requestId":"${body.requestId}","type":"BANK_TO_SECURITIES"}`;
    expect(row.request_digest).not.toBe(createHash('sha256').update(clear).digest('hex'));
    expect(row.request_digest).toBe(requestDigest(deriveDigestKey(testbed.sealingKey), body));
    expect(row.request_digest).not.toBe(requestDigest(deriveDigestKey(randomBytes(32)), body));
    expect(row.resource_id).toEqual(expect.any(String));
  });

  it('bank-protocol.md §5 CHK02/CHK03: designation.applied passes on the business date, bank serial and opening balance of the resolution', async () => {
    const fundAccountNo = uniqueFundAccountNo();
    const relationshipId = randomUUID();
    await db.dataSource.transaction(async (m) => {
      await testbed.projection.fundAccountOpened(m, { fundAccountNo, customerNo: 'C1', currency: 'CNY', role: 'PRIMARY' });
      await testbed.projection.designationResolved(m, {
        relationshipId, fundAccountNo, currency: 'CNY', bankCode: BANK, bankAccountNo: '6222000011112222', status: 'DESIGNATED', custodyAccountNo: 'K1',
        businessDate: '2026-11-21', bankSerialNo: 'B20261121000007', openingBalance: Money.parse('1234.50'),
      });
    });
    const [row] = await db.dataSource.query(`SELECT envelope FROM transfer.outbox WHERE topic = 'custody.internal.designation.applied.1' AND envelope->'payload'->>'relationshipId' = $1`, [relationshipId]);
    expect(row.envelope.payload).toMatchObject({ status: 'DESIGNATED', businessDate: '2026-11-21', bankSerialNo: 'B20261121000007', openingBalance: '1234.50' });
  });

  it('I5: every journal posting balances to zero', async () => {
    const rows = await db.dataSource.query(`SELECT posting_id, sum(amount)::text AS total FROM transfer.journal_lines GROUP BY posting_id HAVING sum(amount) <> 0`);
    expect(rows).toEqual([]);
  });
});
