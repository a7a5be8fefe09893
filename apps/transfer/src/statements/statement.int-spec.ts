import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { type INestApplication, Module } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Money } from '@custody/money';
import { Clock, loadCustodyConfig, loggingModule, newIssuer, openApiDocument, ROLES, SERVICE_ROLE, signToken, startHttpService, TokenVerifier } from '@custody/service-kit';
import { requireInfrastructure, type TestDatabase } from '@custody/testing';
import { bankRequestFor, type InboundRequest, startTransferTestbed, type TestAccount, type TransferTestbed } from '../testing/transfer-testbed';
import type { StatementMovementView, StatementView } from './statement.dto';
import type { StatementQuery } from './statement-request';
import { StatementService } from './statement.service';
import { StatementsController } from './statements.controller';

jest.setTimeout(30_000);

/** The test moves the clock and the banks' business date day by day. */
class TestClock extends Clock {
  at = new Date('2026-11-23T02:00:00.000Z');
  override now(): Date {
    return new Date(this.at.getTime());
  }
}

const BANK = '1021000';
const D1 = '2026-11-23';
const D2 = '2026-11-24';
const D3 = '2026-11-25';

/** What a movement says, without when it was booked. */
type Movement = Pick<StatementMovementView, 'businessDate' | 'source' | 'sourceId' | 'amount' | 'balance'>;

/** F-5.2 statements over the transfer service's real journal in the real PostgreSQL, and through its HTTP edge. */
describe('fund-ledger statements (real PostgreSQL)', () => {
  const config = loadCustodyConfig(resolve(__dirname, '../../../../config/custody.local.yaml'));
  const clock = new TestClock();
  let testbed: TransferTestbed;
  let db: TestDatabase;

  beforeAll(async () => {
    await requireInfrastructure({ postgres: true });
    testbed = await startTransferTestbed('transfer_statements', config, clock);
    ({ db } = testbed);
  });

  afterAll(() => testbed?.db.drop());

  const onDay = async (date: string) => {
    clock.at = new Date(`${date}T02:00:00.000Z`);
    await testbed.openDay(date);
  };

  /** A bank-initiated request handled as its consumer does; returns the transfer it booked (or the reversal's original). */
  async function fromBank(account: TestAccount, overrides: Partial<InboundRequest>): Promise<InboundRequest> {
    const request = bankRequestFor(BANK, account, overrides, clock.now());
    await db.dataSource.transaction((m) => testbed.inbound.handle(m, request));
    return request;
  }

  async function transferIdOf(request: InboundRequest): Promise<string> {
    const [row] = await db.dataSource.query(`SELECT transfer_id FROM transfer.transfers WHERE initiator = 'B' AND bank_code = $1 AND serial_no = $2`, [BANK, request.serialNo]);
    return row.transfer_id;
  }

  const bankDeposit = (account: TestAccount, amount: string) => fromBank(account, { amount });
  const bankWithdrawal = (account: TestAccount, amount: string) => fromBank(account, { function: 'SECURITIES_TO_BANK', amount, fundPassword: 'MATCHED' });
  const bankReversal = (original: InboundRequest, account: TestAccount) =>
    fromBank(account, {
      function: 'REVERSE_BANK_TO_SECURITIES',
      amount: original.amount,
      cancelledRef: { serialNo: original.serialNo, issuerType: 'B', issuerId: BANK },
    });

  const requestTransfer = (account: TestAccount, type: 'BANK_TO_SECURITIES' | 'SECURITIES_TO_BANK', amount: string, currency: 'CNY' | 'USD' = 'CNY') =>
    testbed.transfers.request({ requestId: randomUUID(), type, fundAccountNo: account.fundAccountNo, currency, amount: Money.parse(amount), bankPassword: type === 'BANK_TO_SECURITIES' ? '135790' : undefined });

  const outcome = (transferId: string, status: 'SUCCEEDED' | 'FAILED' | 'UNKNOWN') =>
    db.dataSource.transaction((m) =>
      testbed.transfers.applyOutcome(m, { transferId, status, failure: status === 'FAILED' ? { code: 'BANK_REJECTED', bankReturnCode: '1002', message: 'x' } : undefined }),
    );

  const statement = (account: TestAccount, from: string, to: string, more: Partial<StatementQuery> = {}) =>
    testbed.statements.statement(account.fundAccountNo, { currency: 'CNY', from, to, ...more });

  /** Follows nextCursor to the end, optionally doing something between pages. */
  async function pages(account: TestAccount, from: string, to: string, limit: number, between?: () => Promise<void>): Promise<StatementView[]> {
    const served: StatementView[] = [];
    let cursor: string | undefined;
    do {
      const page = await statement(account, from, to, { limit: String(limit), cursor });
      expect(page.movements.length).toBeLessThanOrEqual(limit);
      served.push(page);
      cursor = page.nextCursor;
      if (cursor) await between?.();
    } while (cursor);
    return served;
  }

  const movementsOf = (served: StatementView[]): Movement[] =>
    served.flatMap((p) => p.movements.map(({ businessDate, source, sourceId, amount, balance }) => ({ businessDate, source, sourceId, amount, balance })));

  /** Opening + each movement gives the next balance, and the last is the closing balance. */
  function expectChained(opening: string, movements: Movement[], closing: string): void {
    let balance = Money.fromDb(opening);
    for (const m of movements) {
      balance = balance.plus(Money.fromDb(m.amount));
      expect(m.balance).toBe(balance.toString());
    }
    expect(closing).toBe(balance.toString());
  }

  async function ledgerBalance(account: TestAccount): Promise<string> {
    const [row] = await db.dataSource.query(`SELECT balance::text FROM transfer.ledger_accounts WHERE fund_account_no = $1 AND currency = 'CNY'`, [account.fundAccountNo]);
    return row.balance;
  }

  describe('three days of deposits, withdrawals, a reversal and a hold', () => {
    let account: TestAccount;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      account = await testbed.designatedAccount(BANK);
      // The same fund account in USD, and another fund account: neither belongs in this CNY statement.
      await testbed.designatedAccount(BANK, { currency: 'USD', fundAccountNo: account.fundAccountNo, bankAccountNo: account.bankAccountNo });
      const other = await testbed.designatedAccount(BANK);

      await onDay(D1);
      ids.deposit1000 = await transferIdOf(await bankDeposit(account, '1000.00'));
      const deposit250 = await bankDeposit(account, '250.00');
      ids.deposit250 = await transferIdOf(deposit250);
      ids.withdraw300 = await requestTransfer(account, 'SECURITIES_TO_BANK', '300.00');
      await outcome(ids.withdraw300, 'SUCCEEDED');
      // A trading hold reserves cash; it moves none.
      await testbed.holds.place({ requestId: randomUUID(), fundAccountNo: account.fundAccountNo, currency: 'CNY', amount: Money.parse('200.00'), reason: 'order 42' });
      await fromBank({ fundAccountNo: account.fundAccountNo, bankAccountNo: account.bankAccountNo }, { currency: 'USD', amount: '70.00' });
      await bankDeposit(other, '999.00');

      await onDay(D2);
      ids.deposit500 = await requestTransfer(account, 'BANK_TO_SECURITIES', '500.00');
      await outcome(ids.deposit500, 'SUCCEEDED');
      // The bank reverses D1's deposit on D2: the money goes back out on the reversal's date.
      await bankReversal(deposit250, account);
      ids.refused100 = await requestTransfer(account, 'SECURITIES_TO_BANK', '100.00');
      await outcome(ids.refused100, 'FAILED');
      // Held while UNKNOWN (no movement), settled once the date has moved on: it still moves money on its own date.
      ids.unknown50 = await requestTransfer(account, 'SECURITIES_TO_BANK', '50.00');
      await outcome(ids.unknown50, 'UNKNOWN');

      await onDay(D3);
      ids.bankWithdraw120 = await transferIdOf(await bankWithdrawal(account, '120.00'));
      await outcome(ids.unknown50, 'SUCCEEDED');
    });

    const day1 = (): Movement[] => [
      { businessDate: D1, source: 'TRANSFER', sourceId: ids.deposit1000, amount: '1000.00', balance: '1000.00' },
      { businessDate: D1, source: 'TRANSFER', sourceId: ids.deposit250, amount: '250.00', balance: '1250.00' },
      { businessDate: D1, source: 'TRANSFER', sourceId: ids.withdraw300, amount: '-300.00', balance: '950.00' },
    ];
    const day2 = (): Movement[] => [
      { businessDate: D2, source: 'TRANSFER', sourceId: ids.deposit500, amount: '500.00', balance: '1450.00' },
      { businessDate: D2, source: 'TRANSFER', sourceId: ids.deposit250, amount: '-250.00', balance: '1200.00' },
      { businessDate: D2, source: 'TRANSFER', sourceId: ids.unknown50, amount: '-50.00', balance: '1150.00' },
    ];
    const day3 = (): Movement[] => [{ businessDate: D3, source: 'TRANSFER', sourceId: ids.bankWithdraw120, amount: '-120.00', balance: '1030.00' }];

    it('F-5.2: each day shows its opening balance, every movement on its business date with its transfer, and its closing balance', async () => {
      const days = await Promise.all([D1, D2, D3].map((d) => statement(account, d, d)));
      expect(days.map((d) => ({ opening: d.openingBalance, movements: movementsOf([d]), closing: d.closingBalance }))).toEqual([
        { opening: '0.00', movements: day1(), closing: '950.00' },
        { opening: '950.00', movements: day2(), closing: '1150.00' },
        { opening: '1150.00', movements: day3(), closing: '1030.00' },
      ]);
      expect(days[0]).toMatchObject({ fundAccountNo: account.fundAccountNo, currency: 'CNY', from: D1, to: D1 });
      expect(days.every((d) => d.nextCursor === undefined)).toBe(true);
    });

    it('F-5.2: each day closes at the balance the next day opens with', async () => {
      const days = await Promise.all([D1, D2, D3, '2026-11-26'].map((d) => statement(account, d, d)));
      for (let i = 1; i < days.length; i++) expect(days[i].openingBalance).toBe(days[i - 1].closingBalance);
    });

    it('F-5.2: a statement of a range is its days put together, and closes at the ledger balance', async () => {
      const range = await statement(account, D1, D3);
      expect(range.openingBalance).toBe('0.00');
      expect(movementsOf([range])).toEqual([...day1(), ...day2(), ...day3()]);
      expect(range.closingBalance).toBe('1030.00');
      expect(range.closingBalance).toBe(await ledgerBalance(account));
      expectChained(range.openingBalance!, movementsOf([range]), range.closingBalance!);
    });

    it('F-5.2: a movement names its transfer (a bank reversal the transfer it undoes) and when it was booked', async () => {
      const [deposit, , withdrawal] = (await statement(account, D1, D1)).movements;
      expect(deposit.transfer).toEqual({ type: 'BANK_TO_SECURITIES', serialNo: expect.any(String), bankCode: BANK });
      expect(withdrawal.transfer).toMatchObject({ type: 'SECURITIES_TO_BANK', bankCode: BANK });
      const reversal = (await statement(account, D2, D2)).movements[1];
      expect(reversal).toMatchObject({ sourceId: ids.deposit250, amount: '-250.00', transfer: { type: 'BANK_TO_SECURITIES' } });
      expect(reversal.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    });

    it('F-5.2: holds are no movements; a withdrawal that failed or is still held moves nothing', async () => {
      const all = movementsOf([await statement(account, D1, D3)]);
      expect(all.map((m) => m.amount)).not.toContain('-200.00');
      expect(all.map((m) => m.sourceId)).not.toContain(ids.refused100);
      const held = await requestTransfer(account, 'SECURITIES_TO_BANK', '10.00');
      expect(movementsOf([await statement(account, D1, D3)]).map((m) => m.sourceId)).not.toContain(held);
      await outcome(held, 'FAILED');
    });

    it('F-5.2: before the first movement and after the last the balance stands still', async () => {
      expect(await statement(account, '2026-01-01', '2026-11-22')).toMatchObject({ openingBalance: '0.00', movements: [], closingBalance: '0.00' });
      expect(await statement(account, '2026-11-26', '2027-11-26')).toMatchObject({ openingBalance: '1030.00', movements: [], closingBalance: '1030.00' });
    });

    it.each([1, 2, 3, 7])('paging by %p: the pages put together are the statement; opening on the first page, closing on the last', async (limit) => {
      const served = await pages(account, D1, D3, limit);
      expect(movementsOf(served)).toEqual([...day1(), ...day2(), ...day3()]);
      expect(served.map((p) => p.openingBalance)).toEqual(['0.00', ...served.slice(1).map(() => undefined)]);
      expect(served.map((p) => p.closingBalance)).toEqual([...served.slice(0, -1).map(() => undefined), '1030.00']);
    });
  });

  describe('paging while money moves', () => {
    it('F-5.2: every page reads the books as of the first page: what is booked meanwhile, on any date, waits for the next statement', async () => {
      await onDay(D1);
      const account = await testbed.designatedAccount(BANK);
      await bankDeposit(account, '100.00');
      await bankDeposit(account, '200.00');
      const pending = await requestTransfer(account, 'SECURITIES_TO_BANK', '30.00');
      await onDay(D2);
      await bankDeposit(account, '300.00');
      let moved = false;
      const served = await pages(account, D1, D2, 1, async () => {
        if (moved) return;
        moved = true;
        await bankDeposit(account, '5.00');
        await outcome(pending, 'SUCCEEDED'); // posts on D1, a page already served
      });
      expect(movementsOf(served).map((m) => m.amount)).toEqual(['100.00', '200.00', '300.00']);
      expect(served.at(-1)!.closingBalance).toBe('600.00');

      const fresh = await statement(account, D1, D2);
      expect(movementsOf([fresh]).map((m) => m.amount)).toEqual(['100.00', '200.00', '-30.00', '300.00', '5.00']);
      expect(fresh.closingBalance).toBe(await ledgerBalance(account));
    });

    it('F-5.2: pages read while deposits commit concurrently chain without a gap or a repeat', async () => {
      await onDay(D3);
      const account = await testbed.designatedAccount(BANK);
      let writing = true;
      const writer = (async () => {
        let n = 0;
        while (writing || n < 10) {
          await Promise.all([bankDeposit(account, '1.00'), bankDeposit(account, '2.00')]);
          n += 1;
        }
      })();
      try {
        for (let round = 0; round < 5; round++) {
          const served = await pages(account, D3, D3, 2);
          const movements = movementsOf(served);
          expect(new Set(movements.map((m) => m.sourceId)).size).toBe(movements.length);
          expectChained(served[0].openingBalance!, movements, served.at(-1)!.closingBalance!);
        }
      } finally {
        writing = false;
        await writer;
      }
      const whole = await statement(account, D3, D3, { limit: '500' });
      expect(whole.closingBalance).toBe(await ledgerBalance(account));
    });
  });

  describe('refusals', () => {
    let account: TestAccount;
    beforeAll(async () => {
      account = await testbed.designatedAccount(BANK);
    });

    it('NOT_FOUND: a fund account with no ledger, or a currency the fund account does not hold', async () => {
      await expect(testbed.statements.statement('99999999999999', { currency: 'CNY', from: D1, to: D1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(statement(account, D1, D1, { currency: 'HKD' })).rejects.toMatchObject({ code: 'NOT_FOUND', detail: `fund account ${account.fundAccountNo} has no HKD ledger` });
    });

    it.each<[string, Partial<StatementQuery>]>([
      ['no currency', { currency: undefined }],
      ['a currency that is not CNY/USD/HKD', { currency: 'EUR' }],
      ['a date that is not YYYY-MM-DD', { from: '2026/11/23' }],
      ['from after to', { from: D2, to: D1 }],
      ['more than 366 days', { from: '2025-01-01', to: '2026-01-02' }],
      ['a cursor this API did not issue', { cursor: 'bm9wZQ' }],
    ])('VALIDATION_FAILED before anything is read: %s, also for an unknown fund account', async (_what, query) => {
      for (const fundAccountNo of [account.fundAccountNo, '99999999999999']) {
        await expect(testbed.statements.statement(fundAccountNo, { currency: 'CNY', from: D1, to: D1, ...query })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      }
    });

    it('VALIDATION_FAILED: a cursor of another statement', async () => {
      await bankDeposit(account, '1.00');
      await bankDeposit(account, '1.00');
      const first = await statement(account, '2026-01-01', '2026-12-31', { limit: '1' });
      expect(first.nextCursor).toEqual(expect.any(String));
      await expect(statement(account, '2026-01-01', '2026-12-30', { cursor: first.nextCursor })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    });
  });

  describe('HTTP edge', () => {
    const users = newIssuer('identity-provider', ROLES);
    const services = newIssuer('saga', [SERVICE_ROLE]);
    let app: INestApplication;
    let baseUrl: string;
    let account: TestAccount;

    beforeAll(async () => {
      @Module({
        imports: [loggingModule('transfer-test')],
        controllers: [StatementsController],
        providers: [{ provide: StatementService, useValue: testbed.statements }],
      })
      class StatementsTestModule {}
      app = await startHttpService(StatementsTestModule, { name: 'transfer-test', port: 0, tokenVerifier: new TokenVerifier([users.trusted, services.trusted]) });
      baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      await onDay(D1);
      account = await testbed.designatedAccount(BANK);
      await bankDeposit(account, '12.34');
    });

    afterAll(() => app?.close());

    async function get(path: string, token: string | null = signToken(users.identity, { subject: 'u1', role: 'auditor' }, new Date(), 60_000)) {
      const res = await fetch(`${baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
    }

    const statementPath = (query: string, fundAccountNo = account.fundAccountNo) => `/v1/fund-accounts/${fundAccountNo}/statement?${query}`;

    it.each(ROLES)('api.md: the %s role reads a statement', async (role) => {
      const result = await get(statementPath(`currency=CNY&from=${D1}&to=${D1}`), signToken(users.identity, { subject: 'u1', role }, new Date(), 60_000));
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ openingBalance: '0.00', movements: [{ businessDate: D1, source: 'TRANSFER', amount: '12.34', balance: '12.34' }], closingBalance: '12.34' });
    });

    it('api.md: no token is 401, a service token 403', async () => {
      expect((await get(statementPath(`currency=CNY&from=${D1}&to=${D1}`), null)).body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
      const service = signToken(services.identity, { subject: 'saga', role: SERVICE_ROLE }, new Date(), 60_000);
      expect((await get(statementPath(`currency=CNY&from=${D1}&to=${D1}`), service)).body).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    });

    it.each([
      ['no currency', `from=${D1}&to=${D1}`],
      ['currency EUR', `currency=EUR&from=${D1}&to=${D1}`],
      ['no to', `currency=CNY&from=${D1}`],
      ['a day that does not exist', `currency=CNY&from=2026-02-29&to=2026-03-01`],
      ['from after to', `currency=CNY&from=${D2}&to=${D1}`],
      ['367 days', `currency=CNY&from=2025-11-23&to=2026-11-24`],
      ['limit 0', `currency=CNY&from=${D1}&to=${D1}&limit=0`],
      ['a forged cursor', `currency=CNY&from=${D1}&to=${D1}&cursor=abc`],
      ['an unknown parameter', `currency=CNY&from=${D1}&to=${D1}&fundAccount=1`],
    ])('api.md: 400 VALIDATION_FAILED problem+json for %s', async (_what, query) => {
      const result = await get(statementPath(query));
      expect(result.status).toBe(400);
      expect(result.contentType).toContain('application/problem+json');
      expect(result.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    });

    it('api.md: 404 NOT_FOUND for an unknown fund account or a currency it does not hold', async () => {
      expect((await get(statementPath(`currency=CNY&from=${D1}&to=${D1}`, '99999999999999'))).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect((await get(statementPath(`currency=USD&from=${D1}&to=${D1}`))).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    });

    it('the OpenAPI document describes the statement, its query and every movement source', () => {
      const document: OpenAPIObject = openApiDocument(app, 'transfer-test');
      const operation = document.paths['/v1/fund-accounts/{fundAccountNo}/statement']?.get;
      expect(operation?.parameters?.map((p) => ('name' in p ? p.name : p.$ref))).toEqual(expect.arrayContaining(['fundAccountNo', 'currency', 'from', 'to', 'cursor', 'limit']));
      expect(operation?.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/StatementView' } } } });
      const movement = document.components?.schemas?.['StatementMovementView'];
      expect(movement).toMatchObject({ properties: { source: { enum: ['TRANSFER', 'ADJUSTMENT', 'CLEARING', 'INTEREST'] } } });
    });
  });
});
