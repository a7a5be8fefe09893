import { randomUUID } from 'node:crypto';
import { bankReplyReadyFor } from '@custody/contracts';
import { resolve } from 'node:path';
import { Clock, type CustodyConfig, loadCustodyConfig, MAX_CLOCK_SKEW_MS } from '@custody/service-kit';
import { requireInfrastructure, type TestDatabase, uniqueFundAccountNo } from '@custody/testing';
import { Money } from '@custody/money';
import type { LedgerRepository } from '../ledger/ledger.repository';
import { bankRequestFor, type InboundRequest, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';
import { Transfer, type TransferStatus } from '../transfers/transfer.entity';
import { transferView } from '../transfers/transfer-query.service';
import type { BankInitiatedTransferService } from './bank-initiated-transfer.service';

// Every case runs a few transactions on a machine shared with other suites; the race case runs eight pairs.
jest.setTimeout(30_000);

/** A clock the test moves, so "after the reply deadline" is exact rather than slept for. */
class TestClock extends Clock {
  at = new Date('2026-11-21T02:00:00.000Z');
  override now(): Date {
    return new Date(this.at.getTime());
  }
}

/** Every bank-initiated function (F-4.1 B to F-4.6 B) against the real PostgreSQL, with the transfer service's real migrations. */
describe('bank-initiated functions: deposits, withdrawals, reversals, queries (real PostgreSQL)', () => {
  const BANK = '1021000';
  const REPLY_TOPIC = bankReplyReadyFor(BANK).name;
  const REPLY_DEADLINE_MS = 20_000;
  /** Stale only past the deadline plus the skew two hosts' clocks may have: the adapter stamps receivedAt on its own. */
  const STALE_AFTER_MS = REPLY_DEADLINE_MS + MAX_CLOCK_SKEW_MS;
  const base = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  // The bank's deadline stated here, so the tests read against the number they use.
  const config: CustodyConfig = { ...base, banks: base.banks.map((b) => (b.code === BANK ? { ...b, replyDeadlineMs: REPLY_DEADLINE_MS } : b)) };
  const clock = new TestClock();
  let testbed: TransferTestbed;
  let db: TestDatabase;
  let inbound: BankInitiatedTransferService;
  let ledger: LedgerRepository;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_bank_initiated', config, clock);
    ({ db, inbound, ledger } = testbed);
  });

  afterAll(() => testbed?.db.drop());

  type Account = TestAccount;

  function designatedAccount(currency: 'CNY' | 'USD' = 'CNY', account: Partial<Account> = {}): Promise<Account> {
    return testbed.designatedAccount(BANK, { currency, ...account });
  }

  function request(account: Account, overrides: Partial<InboundRequest> = {}): InboundRequest {
    return bankRequestFor(BANK, account, overrides, clock.now());
  }

  /** Handles one request in its own transaction, as the consumer does, and returns what its queued reply tells the bank. */
  interface Reply {
    returnCode: string;
    returnMessage: string;
    serialNo?: string;
    originalReturnCode?: string;
    queriedOriginal?: Record<string, string>;
  }

  async function deliver(req: InboundRequest): Promise<Reply> {
    await db.dataSource.transaction((m) => inbound.handle(m, req));
    const rows: Array<{ envelope: { payload: Reply } }> = await db.dataSource.query(
      `SELECT envelope FROM transfer.outbox WHERE topic = $2 AND envelope->'payload'->>'inboundId' = $1`,
      [req.inboundId, REPLY_TOPIC],
    );
    expect(rows).toHaveLength(1);
    const { returnCode, returnMessage, serialNo, originalReturnCode, queriedOriginal } = rows[0].envelope.payload;
    return { returnCode, returnMessage, serialNo, originalReturnCode, queriedOriginal };
  }

  async function balance(fundAccountNo: string, currency = 'CNY'): Promise<{ balance: string; journal: string }> {
    const [row] = await db.dataSource.query(`SELECT balance::text FROM transfer.ledger_accounts WHERE fund_account_no = $1 AND currency = $2`, [fundAccountNo, currency]);
    const [journal] = await db.dataSource.query(`SELECT coalesce(sum(amount), 0)::text AS total FROM transfer.journal_lines WHERE account = $1 AND currency = $2`, [
      `CUSTOMER:${fundAccountNo}`,
      currency,
    ]);
    return { balance: row.balance as string, journal: journal.total as string };
  }

  async function transfersWithSerial(serialNo: string): Promise<Array<Record<string, unknown>>> {
    return db.dataSource.query(
      `SELECT status, failure_code, bank_return_code, fund_account_no, currency, amount::text, our_serial_no FROM transfer.transfers WHERE initiator = 'B' AND serial_no = $1`,
      [serialNo],
    );
  }

  describe('F-4.3 B: a 12001 that reaches us after the bank replyDeadlineMs is not credited', () => {
    it('past the deadline (measured from receivedAt): recorded FAILED, answered 2041, the ledger untouched', async () => {
      const account = await designatedAccount();
      const late = request(account, { receivedAt: new Date(clock.now().getTime() - STALE_AFTER_MS - 1).toISOString() });
      const reply = await deliver(late);
      expect(reply).toMatchObject({ returnCode: '2041', returnMessage: '服务器系统错误', serialNo: expect.any(String) });
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0' });
      expect(await transfersWithSerial(late.serialNo)).toEqual([
        expect.objectContaining({ status: 'FAILED', failure_code: 'BANK_REQUEST_STALE', bank_return_code: '2041', our_serial_no: reply.serialNo }),
      ]);
    });

    it('at the deadline plus the clock-skew allowance exactly it is still in time and is credited', async () => {
      const account = await designatedAccount();
      const reply = await deliver(request(account, { receivedAt: new Date(clock.now().getTime() - STALE_AFTER_MS).toISOString() }));
      expect(reply.returnCode).toBe('0000');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it.each([
      ['behind', -MAX_CLOCK_SKEW_MS],
      ['ahead', MAX_CLOCK_SKEW_MS],
    ])('item 6: a request read in time by an adapter whose clock runs %s of ours by the most allowed is credited, never refused as stale', async (_direction, skewMs) => {
      const account = await designatedAccount();
      // Read off the session REPLY_DEADLINE_MS ago by our clock, stamped by the adapter's clock.
      const reply = await deliver(request(account, { receivedAt: new Date(clock.now().getTime() - REPLY_DEADLINE_MS + skewMs).toISOString() }));
      expect(reply.returnCode).toBe('0000');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it('F-4.5: a fresh resend of a serial refused as too late gets the same answer (2041, same serial of ours) and never credits', async () => {
      const account = await designatedAccount();
      const late = request(account, { receivedAt: new Date(clock.now().getTime() - STALE_AFTER_MS - 5_000).toISOString() });
      const first = await deliver(late);
      const resend = await deliver({ ...late, inboundId: randomUUID(), resend: true, receivedAt: clock.now().toISOString() });
      expect(resend).toEqual(first);
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0' });
    });

    it('a late original arriving after its serial was refused as too late (e.g. redelivered) cannot credit either', async () => {
      const account = await designatedAccount();
      const original = request(account, { receivedAt: new Date(clock.now().getTime() - STALE_AFTER_MS - 1).toISOString() });
      await deliver(original);
      clock.at = new Date(clock.at.getTime() + 60_000);
      expect((await deliver({ ...original, inboundId: randomUUID() })).returnCode).toBe('2041');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0' });
    });
  });

  describe('same bank serial: an identical repeat gets the first answer; other content gets 2004 and changes nothing', () => {
    it('an identical repeat (resend or duplicate delivery) returns the first answer, with our serial, and credits once (I6)', async () => {
      const account = await designatedAccount();
      const original = request(account);
      const first = await deliver(original);
      const repeat = await deliver({ ...original, inboundId: randomUUID(), resend: true });
      expect(first.returnCode).toBe('0000');
      expect(repeat).toEqual(first);
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it('an identical repeat of a refused request gets the same refusal, not 2004', async () => {
      const account = await designatedAccount();
      const refused = request(account, { bankAccountNo: '6200000000000000' });
      expect((await deliver(refused)).returnCode).toBe('3001');
      expect((await deliver({ ...refused, inboundId: randomUUID() })).returnCode).toBe('3001');
    });

    it('an identical repeat of a request that named no bank account is the same request', async () => {
      const account = await designatedAccount();
      const original = request(account, { bankAccountNo: undefined });
      expect((await deliver(original)).returnCode).toBe('0000');
      expect((await deliver({ ...original, inboundId: randomUUID() })).returnCode).toBe('0000');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it.each<[string, Partial<InboundRequest>, (accounts: { account: Account; other: Account }) => Partial<InboundRequest>]>([
      ['another amount', {}, () => ({ amount: '250.01' })],
      ['another fund account', {}, ({ other }) => ({ fundAccountNo: other.fundAccountNo, bankAccountNo: other.bankAccountNo })],
      ['another currency', {}, () => ({ currency: 'USD' })],
      ['another bank account', {}, () => ({ bankAccountNo: '6200000000000001' })],
      ['a bank account where the first named none', { bankAccountNo: undefined }, ({ account }) => ({ bankAccountNo: account.bankAccountNo })],
      ['no bank account where the first named one', {}, () => ({ bankAccountNo: undefined })],
    ])('%s under a processed serial: 2004 (银行流水号重复), nothing credited, the first transfer unchanged', async (_what, firstOverrides, change) => {
      const account = await designatedAccount();
      const other = await designatedAccount();
      // A USD ledger of the same fund account, linked to the same bank account: each changed request
      // would be creditable on its own, so only the serial check stands between it and the ledger.
      await designatedAccount('USD', account);
      const original = request(account, firstOverrides);
      const first = await deliver(original);
      expect(first.returnCode).toBe('0000');
      const before = await transfersWithSerial(original.serialNo);

      const reused = await deliver({ ...original, inboundId: randomUUID(), ...change({ account, other }) });

      expect(reused).toEqual({ returnCode: '2004', returnMessage: '银行流水号重复', serialNo: undefined });
      expect(await transfersWithSerial(original.serialNo)).toEqual(before);
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
      expect(await balance(account.fundAccountNo, 'USD')).toEqual({ balance: '0.00', journal: '0' });
      expect(await balance(other.fundAccountNo)).toEqual({ balance: '0.00', journal: '0' });
      // The identical request still gets its own first answer afterwards.
      expect(await deliver({ ...original, inboundId: randomUUID() })).toEqual(first);
    });

    it('other content under a serial that was refused as too late is 2004 too, and still credits nothing', async () => {
      const account = await designatedAccount();
      const late = request(account, { receivedAt: new Date(clock.now().getTime() - STALE_AFTER_MS - 1).toISOString() });
      await deliver(late);
      const reused = await deliver({ ...late, inboundId: randomUUID(), amount: '1.00', receivedAt: clock.now().toISOString() });
      expect(reused.returnCode).toBe('2004');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0' });
    });
  });

  const bankSerial = () => `B${randomUUID().replace(/-/g, '').slice(0, 15)}`;

  /** A fresh designated account with a 12001 B credited to it. */
  async function funded(amount = '250.00'): Promise<{ account: Account; deposit: InboundRequest }> {
    const account = await designatedAccount();
    const deposit = request(account, { amount });
    expect((await deliver(deposit)).returnCode).toBe('0000');
    return { account, deposit };
  }

  function withdrawal(account: Account, overrides: Partial<InboundRequest> = {}): InboundRequest {
    return request(account, { function: 'SECURITIES_TO_BANK', amount: '100.00', fundPassword: 'MATCHED', ...overrides });
  }

  /** The bank's 12003/12004 of one of its originals, repeating its account, currency and amount unless told otherwise. */
  function reversalOf(original: InboundRequest, overrides: Partial<InboundRequest> = {}): InboundRequest {
    const account = { fundAccountNo: original.fundAccountNo, bankAccountNo: original.bankAccountNo ?? '' };
    return request(account, {
      function: original.function === 'BANK_TO_SECURITIES' ? 'REVERSE_BANK_TO_SECURITIES' : 'REVERSE_SECURITIES_TO_BANK',
      serialNo: bankSerial(),
      currency: original.currency,
      amount: original.amount,
      bankAccountNo: original.bankAccountNo,
      fundPassword: undefined,
      cancelledRef: { serialNo: original.serialNo, issuerType: 'B', issuerId: BANK },
      ...overrides,
    });
  }

  function queryOf(queriedRef: NonNullable<InboundRequest['queriedRef']>): InboundRequest {
    return request({ fundAccountNo: '', bankAccountNo: '' }, { function: 'QUERY_RESULT', currency: '', amount: undefined, bankAccountNo: undefined, queriedRef });
  }

  const bankRef = (serialNo: string) => ({ serialNo, issuerType: 'B' as const, issuerId: BANK });

  async function transferWithSerial(serialNo: string, initiator: 'B' | 'S' = 'B'): Promise<Transfer | null> {
    return db.dataSource.getRepository(Transfer).findOneBy({ initiator, bankCode: BANK, serialNo });
  }

  /** I5: every posting's lines sum to zero, each customer ledger equals its journal. */
  async function expectJournalsBalance(): Promise<void> {
    expect(await db.dataSource.query(`SELECT posting_id FROM transfer.journal_lines GROUP BY posting_id HAVING sum(amount) <> 0`)).toEqual([]);
    expect(
      await db.dataSource.query(`SELECT l.fund_account_no FROM transfer.ledger_accounts l
        LEFT JOIN (SELECT fund_account_no, currency, sum(amount) AS total FROM transfer.journal_lines WHERE account LIKE 'CUSTOMER:%' GROUP BY 1, 2) j
          ON j.fund_account_no = l.fund_account_no AND j.currency = l.currency
        WHERE l.balance <> coalesce(j.total, 0)`),
    ).toEqual([]);
  }

  async function holdFunds(account: Account, amount: string): Promise<string> {
    return db.dataSource.transaction(async (m) => ledger.placeHold(m, (await ledger.lock(m, account.fundAccountNo, 'CNY'))!, Money.parse(amount), 'TRADING', 'test: bought shares'));
  }

  describe('F-4.2 B: a withdrawal the bank starts, with the fund password', () => {
    it('MATCHED and withdrawable: debited (the same movement with the bank as an S withdrawal), 0000, journals balanced', async () => {
      const { account } = await funded();
      const req = withdrawal(account);
      const reply = await deliver(req);
      expect(reply).toMatchObject({ returnCode: '0000', serialNo: expect.any(String) });
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '150.00', journal: '150.00' });
      const [summary] = await db.dataSource.query(`SELECT sum(amount)::text AS total FROM transfer.journal_lines WHERE source_id = $1 AND account = $2`, [
        (await transferWithSerial(req.serialNo))!.transferId,
        `SUMMARY:${BANK}`,
      ]);
      expect(summary.total).toBe('100.00');
      expect(await transfersWithSerial(req.serialNo)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', amount: '100.00', our_serial_no: reply.serialNo })]);
      await expectJournalsBalance();
    });

    it.each(['MISMATCHED', 'LOCKED', 'NOT_SET', 'MISSING', 'UNREADABLE', undefined] as const)(
      'fund password %s: 2001 资金密码校验错误, recorded with its reason, nothing debited; its repeat gets 2001 again',
      async (check) => {
        const { account } = await funded();
        const req = withdrawal(account, { fundPassword: check });
        expect(await deliver(req)).toMatchObject({ returnCode: '2001', returnMessage: '资金密码校验错误' });
        const recorded = (await transferWithSerial(req.serialNo))!;
        expect(recorded).toMatchObject({ status: 'FAILED', failureCode: 'BANK_REQUEST_REFUSED', bankReturnCode: '2001' });
        expect(recorded.failureMessage).toMatch(/^资金密码校验错误: .*(password|PIN)/);
        expect((await deliver({ ...req, inboundId: randomUUID(), resend: true })).returnCode).toBe('2001');
        expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
      },
    );

    it('more than withdrawable: 2002 with the figures, nothing debited', async () => {
      const { account } = await funded();
      const req = withdrawal(account, { amount: '250.01' });
      expect((await deliver(req)).returnCode).toBe('2002');
      expect((await transferWithSerial(req.serialNo))!.failureMessage).toContain('250.00 CNY withdrawable, 250.01 asked');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it('I7: held funds are not withdrawable (balance enough, available short): 2002', async () => {
      const { account } = await funded();
      await holdFunds(account, '200.00');
      expect((await deliver(withdrawal(account, { amount: '50.01' }))).returnCode).toBe('2002');
      expect((await deliver(withdrawal(account, { amount: '50.00' }))).returnCode).toBe('0000');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '200.00', journal: '200.00' });
    });

    it('all of the withdrawable may go', async () => {
      const { account } = await funded();
      expect((await deliver(withdrawal(account, { amount: '250.00' })))).toMatchObject({ returnCode: '0000' });
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0.00' });
    });

    it('relationship and account checks as for 12001 B: another bank account 3001, unknown fund account 2011, nothing changed', async () => {
      const { account } = await funded();
      expect((await deliver(withdrawal(account, { bankAccountNo: '6200000000000000' }))).returnCode).toBe('3001');
      expect((await deliver(withdrawal({ ...account, fundAccountNo: '99999999999999' }))).returnCode).toBe('2011');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it('a wrong password is refused before the balance is looked at (2001, not 2002)', async () => {
      const { account } = await funded();
      expect((await deliver(withdrawal(account, { amount: '9999.00', fundPassword: 'MISMATCHED' }))).returnCode).toBe('2001');
    });

    it('past the reply deadline: refused 2041 and recorded, nothing debited', async () => {
      const { account } = await funded();
      const late = withdrawal(account, { receivedAt: new Date(clock.now().getTime() - STALE_AFTER_MS - 1).toISOString() });
      expect((await deliver(late)).returnCode).toBe('2041');
      expect(await transfersWithSerial(late.serialNo)).toEqual([expect.objectContaining({ status: 'FAILED', failure_code: 'BANK_REQUEST_STALE' })]);
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it('a repeat (Resend=Y) returns the first answer and debits once (I6); a 12002 reusing a 12001 serial is 2004', async () => {
      const { account, deposit } = await funded();
      const req = withdrawal(account);
      const first = await deliver(req);
      expect(await deliver({ ...req, inboundId: randomUUID(), resend: true })).toEqual(first);
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '150.00', journal: '150.00' });
      expect((await deliver(withdrawal(account, { serialNo: deposit.serialNo, amount: deposit.amount }))).returnCode).toBe('2004');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '150.00', journal: '150.00' });
    });
  });

  describe('F-4.5 B: Resend=Y of a serial never seen is processed as new', () => {
    it('credited once, and its further repeats get that answer', async () => {
      const account = await designatedAccount();
      const resent = request(account, { resend: true });
      const first = await deliver(resent);
      expect(first.returnCode).toBe('0000');
      expect(await deliver({ ...resent, inboundId: randomUUID() })).toEqual(first);
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });
  });

  describe('F-4.3 B: the bank reverses its 12001', () => {
    it('credited and still available: debited back, 0000, transfer REVERSED; then a resend of the original is 2006 and credits nothing', async () => {
      const { account, deposit } = await funded();
      const reversal = reversalOf(deposit);
      const reply = await deliver(reversal);
      expect(reply).toMatchObject({ returnCode: '0000', returnMessage: '交易成功', serialNo: expect.any(String) });
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0.00' });
      const original = (await transferWithSerial(deposit.serialNo))!;
      expect(original).toMatchObject({ status: 'REVERSED', failureCode: 'BANK_REVERSED' });
      expect(original.attempts).toEqual([expect.stringContaining(`bank 12003 ${reversal.serialNo}: 0000`)]);
      await expectJournalsBalance();

      expect(await deliver({ ...reversal, inboundId: randomUUID() })).toEqual(reply);
      expect((await deliver({ ...deposit, inboundId: randomUUID(), resend: true })).returnCode).toBe('2006');
      expect((await deliver({ ...deposit, inboundId: randomUUID() })).returnCode).toBe('2006');
      expect((await deliver(reversalOf(deposit))).returnCode).toBe('2006');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0.00' });
    });

    it('funds used (held for a purchase): 2008, the deposit stands, marked for an operator; a later reversal once they are free is 0000', async () => {
      const { account, deposit } = await funded();
      const holdId = await holdFunds(account, '0.01');
      const refused = reversalOf(deposit);
      const reply = await deliver(refused);
      expect(reply).toMatchObject({ returnCode: '2008', returnMessage: '资金账户余额不足,不允许冲正' });
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
      const original = (await transferWithSerial(deposit.serialNo))!;
      // What GET /v1/transfers shows an operator.
      expect(transferView(original)).toMatchObject({
        status: 'SUCCEEDED',
        failure: { code: 'REVERSAL_REFUSED_FUNDS_USED', message: expect.stringContaining('249.99 CNY available of the 250.00 credited') },
        attempts: [expect.stringContaining(`bank 12003 ${refused.serialNo}: 2008`)],
      });
      expect(await deliver({ ...refused, inboundId: randomUUID() })).toEqual(reply);
      // The deposit was not reversed: a query says it succeeded, a resend gets its 0000.
      expect((await deliver(queryOf(bankRef(deposit.serialNo)))).originalReturnCode).toBe('0000');

      await db.dataSource.transaction(async (m) => ledger.endHold(m, (await ledger.lock(m, account.fundAccountNo, 'CNY'))!, holdId, 'RELEASED'));
      expect((await deliver(reversalOf(deposit))).returnCode).toBe('0000');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0.00' });
      expect((await transferWithSerial(deposit.serialNo))!.status).toBe('REVERSED');
    });

    it('funds already withdrawn by a 12002: 2008', async () => {
      const { account, deposit } = await funded();
      expect((await deliver(withdrawal(account, { amount: '1.00' }))).returnCode).toBe('0000');
      expect((await deliver(reversalOf(deposit))).returnCode).toBe('2008');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '249.00', journal: '249.00' });
    });

    it('of an original we refused: 0000, REVERSED with nothing undone; a resend of the original is then 2006', async () => {
      const account = await designatedAccount();
      const refused = request(account, { bankAccountNo: '6200000000000000' });
      expect((await deliver(refused)).returnCode).toBe('3001');
      expect((await deliver(reversalOf(refused))).returnCode).toBe('0000');
      expect(await transferWithSerial(refused.serialNo)).toMatchObject({ status: 'REVERSED', bankReturnCode: '3001' });
      expect((await deliver({ ...refused, inboundId: randomUUID(), resend: true })).returnCode).toBe('2006');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0' });
    });

    it('of an original refused as too late (the bank gave up on it, then reverses): 0000; a query before said 2041, after 2006', async () => {
      const account = await designatedAccount();
      const late = request(account, { receivedAt: new Date(clock.now().getTime() - STALE_AFTER_MS - 1).toISOString() });
      expect((await deliver(late)).returnCode).toBe('2041');
      expect((await deliver(queryOf(bankRef(late.serialNo)))).originalReturnCode).toBe('2041');
      expect((await deliver(reversalOf(late))).returnCode).toBe('0000');
      expect((await deliver(queryOf(bankRef(late.serialNo)))).originalReturnCode).toBe('2006');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0' });
    });

    it('of an original never seen: 2005 and remembered; the late original (fresh or Resend=Y) is 2006 and never credits', async () => {
      const account = await designatedAccount();
      const original = request(account);
      const reversal = reversalOf(original);
      const reply = await deliver(reversal);
      expect(reply).toMatchObject({ returnCode: '2005', returnMessage: '被冲正流水不存在（冲正交易）' });
      expect(await deliver({ ...reversal, inboundId: randomUUID() })).toEqual(reply);

      expect((await deliver(original)).returnCode).toBe('2006');
      expect((await deliver({ ...original, inboundId: randomUUID(), resend: true })).returnCode).toBe('2006');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0' });
      expect(await transfersWithSerial(original.serialNo)).toEqual([]);
      // Another reversal of the same serial: it is already reversed.
      expect((await deliver(reversalOf(original))).returnCode).toBe('2006');
    });

    it('a reversal racing its own original: whichever wins, the money is never credited and kept', async () => {
      for (let i = 0; i < 8; i++) {
        const account = await designatedAccount();
        const original = request(account);
        const [first, second] = await Promise.all([deliver(original), deliver(reversalOf(original))]);
        // Either the original went first (credited 0000, then reversed 0000) or the reversal did (2005, then the original 2006).
        expect([['0000', '0000'], ['2006', '2005']]).toContainEqual([first.returnCode, second.returnCode]);
        expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: expect.stringMatching(/^0(\.00)?$/) });
      }
    });

    it.each<[string, (deposit: InboundRequest, other: Account) => Partial<InboundRequest>]>([
      ['another amount', () => ({ amount: '250.01' })],
      ['another fund account', (_d, other) => ({ fundAccountNo: other.fundAccountNo })],
      ['another currency', () => ({ currency: 'USD' })],
      ['the other function (12004 of a 12001)', () => ({ function: 'REVERSE_SECURITIES_TO_BANK' })],
      ['a CnRef issued by the broker', (d) => ({ cancelledRef: { serialNo: d.serialNo, issuerType: 'S', issuerId: 'SEC001' } })],
    ])('%s: 2007, nothing undone; the matching reversal still works afterwards', async (_what, change) => {
      const { account, deposit } = await funded();
      const other = await designatedAccount();
      const mismatched = reversalOf(deposit, change(deposit, other));
      expect(await deliver(mismatched)).toMatchObject({ returnCode: '2007', returnMessage: '与原流水信息不符（冲正交易）' });
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
      expect((await transferWithSerial(deposit.serialNo))!.status).toBe('SUCCEEDED');
      expect((await deliver({ ...mismatched, inboundId: randomUUID() })).returnCode).toBe('2007');
      expect((await deliver(reversalOf(deposit))).returnCode).toBe('0000');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0.00' });
    });

    it('a reversal that repeats only CnRef (no account, currency or amount) reverses the original it names', async () => {
      const { account, deposit } = await funded();
      expect((await deliver(reversalOf(deposit, { fundAccountNo: '', currency: '', amount: undefined, bankAccountNo: undefined }))).returnCode).toBe('0000');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0.00' });
    });

    it('a reversal of a reversal (CnRef = the bank\'s own reversal serial): 2007, nothing changed, and it bars nothing', async () => {
      const { account, deposit } = await funded();
      const reversal = reversalOf(deposit);
      expect((await deliver(reversal)).returnCode).toBe('0000');
      const ofReversal = reversalOf(reversal, { function: 'REVERSE_BANK_TO_SECURITIES', fundAccountNo: account.fundAccountNo });
      expect((await deliver(ofReversal)).returnCode).toBe('2007');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0.00' });
      expect((await transferWithSerial(deposit.serialNo))!.status).toBe('REVERSED');
    });

    it('a reversal serial reused for another reversal, or one that is a transfer serial: 2004, nothing changed', async () => {
      const { account, deposit } = await funded();
      const second = await funded();
      const reversal = reversalOf(deposit);
      expect((await deliver(reversal)).returnCode).toBe('0000');
      expect((await deliver(reversalOf(second.deposit, { serialNo: reversal.serialNo }))).returnCode).toBe('2004');
      expect((await deliver(reversalOf(second.deposit, { serialNo: second.deposit.serialNo }))).returnCode).toBe('2004');
      // And a 12001 reusing the reversal's serial.
      expect((await deliver(request(second.account, { serialNo: reversal.serialNo }))).returnCode).toBe('2004');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '0.00', journal: '0.00' });
      expect(await balance(second.account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it('a reversal without CnRef or with an unreadable amount: 2044, nothing recorded', async () => {
      const { account, deposit } = await funded();
      expect((await deliver(reversalOf(deposit, { cancelledRef: undefined }))).returnCode).toBe('2044');
      expect((await deliver(reversalOf(deposit, { amount: '250.001' }))).returnCode).toBe('2044');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
      expect((await transferWithSerial(deposit.serialNo))!.status).toBe('SUCCEEDED');
    });
  });

  describe('F-4.4 B: the bank reverses its 12002', () => {
    it('debited: credited back, 0000, REVERSED; a resend of the withdrawal is then 2006 and debits nothing', async () => {
      const { account } = await funded();
      const out = withdrawal(account);
      expect((await deliver(out)).returnCode).toBe('0000');
      expect((await deliver(reversalOf(out))).returnCode).toBe('0000');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
      expect((await transferWithSerial(out.serialNo))!.status).toBe('REVERSED');
      expect((await deliver({ ...out, inboundId: randomUUID(), resend: true })).returnCode).toBe('2006');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
      await expectJournalsBalance();
    });

    it('credited back even when the account has nothing left', async () => {
      const { account } = await funded();
      const out = withdrawal(account, { amount: '250.00' });
      expect((await deliver(out)).returnCode).toBe('0000');
      expect((await deliver(reversalOf(out))).returnCode).toBe('0000');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it('of a withdrawal refused for its password: 0000, nothing to undo', async () => {
      const { account } = await funded();
      const out = withdrawal(account, { fundPassword: 'MISMATCHED' });
      expect((await deliver(out)).returnCode).toBe('2001');
      expect((await deliver(reversalOf(out))).returnCode).toBe('0000');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it('of a withdrawal never seen: 2005; the late withdrawal is then 2006 and debits nothing', async () => {
      const { account } = await funded();
      const out = withdrawal(account);
      expect((await deliver(reversalOf(out))).returnCode).toBe('2005');
      expect((await deliver(out)).returnCode).toBe('2006');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it('a 12003 naming a 12002: 2007, nothing changed', async () => {
      const { account } = await funded();
      const out = withdrawal(account);
      await deliver(out);
      expect((await deliver(reversalOf(out, { function: 'REVERSE_BANK_TO_SECURITIES' }))).returnCode).toBe('2007');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '150.00', journal: '150.00' });
    });
  });

  describe('F-4.6 B: the bank queries a result (Rst 0000, OrgRst the original\'s)', () => {
    it('of its own serials: succeeded 0000, refused its code, reversed 2006, barred by an early reversal 2006, never seen 2027; changes nothing', async () => {
      const { account, deposit } = await funded();
      const refused = request(account, { bankAccountNo: '6200000000000000' });
      await deliver(refused);
      const reversedLater = (await funded()).deposit;
      await deliver(reversalOf(reversedLater));
      const neverArrived = request(account);
      const early = reversalOf(neverArrived);
      await deliver(early);

      const orgRst = async (serialNo: string) => {
        const reply = await deliver(queryOf(bankRef(serialNo)));
        expect(reply).toMatchObject({ returnCode: '0000', returnMessage: '交易成功' });
        return reply.originalReturnCode;
      };
      expect(await orgRst(deposit.serialNo)).toBe('0000');
      // The original as we booked it, with our serial of it, for the reply's second QryRef and TrfAmt.
      const [booked] = await db.dataSource.query(`SELECT our_serial_no FROM transfer.transfers WHERE initiator = 'B' AND serial_no = $1`, [deposit.serialNo]);
      expect((await deliver(queryOf(bankRef(deposit.serialNo)))).queriedOriginal).toEqual({
        ourSerialNo: booked.our_serial_no,
        fundAccountNo: account.fundAccountNo,
        bankAccountNo: deposit.bankAccountNo,
        currency: 'CNY',
        amount: '250.00',
      });
      expect((await deliver(queryOf(bankRef(bankSerial())))).queriedOriginal).toBeUndefined();
      expect(await orgRst(refused.serialNo)).toBe('3001');
      expect(await orgRst(reversedLater.serialNo)).toBe('2006');
      expect(await orgRst(neverArrived.serialNo)).toBe('2006');
      expect(await orgRst(bankSerial())).toBe('2027');
      // A query of one of its reversals answers what the reversal got.
      expect(await orgRst(early.serialNo)).toBe('2005');
      expect(await balance(account.fundAccountNo)).toEqual({ balance: '250.00', journal: '250.00' });
    });

    it.each<[TransferStatus, string | null, string]>([
      ['SUCCEEDED', null, '0000'],
      ['FAILED', '1002', '1002'],
      ['FAILED', null, '2026'],
      ['UNKNOWN', null, '2028'],
      ['PENDING', null, '2028'],
      ['REVERSED', null, '2006'],
    ])('of one of our S-initiated serials %s (bank code %s): OrgRst %s', async (status, bankReturnCode, expected) => {
      const ourSerial = `20261121${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`;
      await db.dataSource.getRepository(Transfer).insert({
        transferId: randomUUID(), type: 'SECURITIES_TO_BANK', initiator: 'S', serialNo: ourSerial, ourSerialNo: ourSerial, bankSerialNo: null, bankCode: BANK,
        bankAccountNo: null, fundAccountNo: uniqueFundAccountNo(), currency: 'CNY', amount: '10.00', status, failureCode: status === 'FAILED' ? 'BANK_REJECTED' : null,
        bankReturnCode, failureMessage: null, holdId: null, attempts: [], businessDate: '2026-11-21', unknownSince: null,
      });
      const reply = await deliver(queryOf({ serialNo: ourSerial, issuerType: 'S', issuerId: 'SEC001' }));
      expect(reply).toMatchObject({ returnCode: '0000', originalReturnCode: expected });
    });

    it('of an S serial we never issued: 2027; a query without QryRef: 2044', async () => {
      expect((await deliver(queryOf({ serialNo: '20261121999999999999', issuerType: 'S', issuerId: 'SEC001' }))).originalReturnCode).toBe('2027');
      const noRef = await deliver({ ...queryOf(bankRef('x')), queriedRef: undefined });
      expect(noRef).toMatchObject({ returnCode: '2044', originalReturnCode: undefined });
    });
  });
});
