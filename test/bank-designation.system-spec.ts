import { Client } from 'pg';
import { uniqueDigits } from '@custody/testing';
import { type Customer, minus, TestContext } from './support/test-context';

/**
 * F-3.3 B (issue 10): the customer designates a bank at its counter — the bank starts 11001 with the customer's bank
 * account, the fund account and the fund password the customer types; the broker checks the password and the customer,
 * records the relationship DESIGNATED, links the ledger and answers 0000 with the fund ledger's balance as `ScBal`, the
 * opening balance the bank opens the custody account with. Refusals change nothing on either side; a repeat gets the
 * first answer.
 */
jest.setTimeout(120_000);

const ctx = new TestContext();
const [A, B] = ctx.bankCodes;
const bankA = () => ctx.banks[A];
const FUND_PASSWORD = '246810';

interface AtCounter {
  customer: Customer;
  fundAccountNo: string;
  bankAccountNo: string;
}

interface FundAccountView {
  currencies: string[];
  relationships: Array<{ currency: string; bankCode: string; bankAccountNo?: string; status: string }>;
}

/** A customer with a fund password and a primary fund account without a relationship, and a bank account at bank A held by `holder` (the customer by default). */
async function atCounter(holder: { name?: string; idNumber?: string } = {}, customer?: Customer): Promise<AtCounter> {
  const who = customer ?? (await ctx.newCustomer());
  const fundAccountNo = await ctx.newFundAccount(who.customerNo, customer ? 'AUXILIARY' : 'PRIMARY');
  const password = await ctx.api.call('PUT', `/v1/customers/${who.customerNo}/fund-password`, { password: FUND_PASSWORD });
  expect(password.status).toBe(204);
  const bankAccountNo = `62${uniqueDigits(17)}`;
  await bankA().openBankAccount({ bankAccountNo, name: holder.name ?? who.name, idType: who.idType, idNumber: holder.idNumber ?? who.idNumber, password: '135790', balance: '5000.00' });
  return { customer: who, fundAccountNo, bankAccountNo };
}

async function relationshipsOf(fundAccountNo: string) {
  return (await ctx.api.call<FundAccountView>('GET', `/v1/fund-accounts/${fundAccountNo}`)).body.relationships;
}

let db: Client;
beforeAll(async () => {
  db = new Client({ connectionString: ctx.info.postgres });
  await db.connect();
});
afterAll(() => db.end());

/**
 * Money the fund ledger held before custody (customer conversion, domain.md F-12): no public function puts money in a
 * ledger without a relationship yet, so it is written where the transfer service keeps the ledger, before the bank's
 * 11001 reads it as the opening balance.
 */
async function moneyFromBeforeCustody(fundAccountNo: string, balance: string, currency = 'CNY'): Promise<void> {
  // The ledger opens from `fund-account.opened`, a Kafka hop after the account did.
  const seeded = await ctx.eventually(
    async () => (await db.query(`UPDATE transfer.ledger_accounts SET balance = $2 WHERE fund_account_no = $1 AND currency = $3`, [fundAccountNo, balance, currency])).rowCount,
    (rows) => rows === 1,
  );
  expect(seeded).toBe(1);
}

describe('F-3.3 B: the bank designates itself for a fund account (11001)', () => {
  it("F-3.3 B: 0000 with the ledger's balance as ScBal; the relationship is DESIGNATED with the bank account, the bank's custody account opens with that opening balance and its summary grows by it, and deposits go through at once", async () => {
    const o = await atCounter();
    await moneyFromBeforeCustody(o.fundAccountNo, '1520.35');
    expect(await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: o.fundAccountNo, amount: '10.00' })).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_NOT_ACTIVE' } });
    const summaryBefore = (await bankA().books()).summary.CNY;

    const designated = await bankA().startDesignation({ bankAccountNo: o.bankAccountNo, fundAccountNo: o.fundAccountNo, fundPassword: FUND_PASSWORD });
    expect(designated.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000', openingBalance: '1520.35' });
    expect(await bankA().custodyAccount(o.fundAccountNo)).toMatchObject({ bankAccountNo: o.bankAccountNo, status: 'NORMAL', balance: '1520.35' });
    // The ledger was linked before the bank read the 0000: a deposit the bank starts at once is taken.
    expect((await bankA().startDeposit({ bankAccountNo: o.bankAccountNo, fundAccountNo: o.fundAccountNo, amount: '100.00' })).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });

    expect(await relationshipsOf(o.fundAccountNo)).toEqual([expect.objectContaining({ bankCode: A, bankAccountNo: o.bankAccountNo, status: 'DESIGNATED' })]);
    expect(await ctx.balances(o.fundAccountNo)).toMatchObject({ balance: '1620.35' });
    expect(await bankA().custodyAccount(o.fundAccountNo)).toMatchObject({ balance: '1620.35' });
    expect(minus((await bankA().books()).summary.CNY, summaryBefore)).toBe('1620.35');
    // Our own transfers too.
    expect((await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: o.fundAccountNo, amount: '20.00' })).body).toMatchObject({ status: 'SUCCEEDED' });
    expect(await bankA().bankBalance(o.bankAccountNo)).toBe('4920.00');
  });

  it('bank-protocol.md §4: the bank asking again under its serial gets the first answer — the first opening balance, whatever moved since — and nothing opens twice', async () => {
    const o = await atCounter();
    const first = await bankA().startDesignation({ bankAccountNo: o.bankAccountNo, fundAccountNo: o.fundAccountNo, fundPassword: FUND_PASSWORD });
    expect(first.body).toMatchObject({ returnCode: '0000', openingBalance: '0.00' });
    expect((await bankA().startDeposit({ bankAccountNo: o.bankAccountNo, fundAccountNo: o.fundAccountNo, amount: '300.00' })).body).toMatchObject({ returnCode: '0000' });

    const again = await bankA().resendDesignation(first.body.serialNo, FUND_PASSWORD);
    expect(again.body).toEqual({ serialNo: first.body.serialNo, status: 'SUCCEEDED', returnCode: '0000', openingBalance: '0.00' });
    expect(await relationshipsOf(o.fundAccountNo)).toHaveLength(1);
    expect((await bankA().books()).custodyAccounts.filter((c) => c.fundAccountNo === o.fundAccountNo)).toHaveLength(1);
    expect(await ctx.balances(o.fundAccountNo)).toMatchObject({ balance: '300.00' });
  });

  it('bank-protocol.md §4: a refusal asked again under its serial is refused again, even with the right password typed this time', async () => {
    const o = await atCounter();
    const refused = await bankA().startDesignation({ bankAccountNo: o.bankAccountNo, fundAccountNo: o.fundAccountNo, fundPassword: '111111' });
    expect(refused.body).toMatchObject({ status: 'FAILED', returnCode: '2001' });
    expect((await bankA().resendDesignation(refused.body.serialNo, FUND_PASSWORD)).body).toMatchObject({ status: 'FAILED', returnCode: '2001' });
    expect(await relationshipsOf(o.fundAccountNo)).toEqual([]);
    expect(await bankA().custodyAccount(o.fundAccountNo)).toBeUndefined();
  });

  describe('profile §4.1: refusals, nothing changed on either side', () => {
    async function expectNothingChanged(o: AtCounter, relationshipsBefore: FundAccountView['relationships']) {
      expect(await relationshipsOf(o.fundAccountNo)).toEqual(relationshipsBefore);
      expect(await bankA().custodyAccount(o.fundAccountNo)).toBeUndefined();
      expect(await bankA().bankBalance(o.bankAccountNo)).toBe('5000.00');
      const deposit = await bankA().startDeposit({ bankAccountNo: o.bankAccountNo, fundAccountNo: o.fundAccountNo, amount: '10.00' });
      expect(deposit).toMatchObject({ status: 422, body: { code: 'BANK_REFUSED', returnCode: '1016' } });
    }

    it.each([
      ['a wrong fund password', '2001', {}, '111111'],
      ['no fund password at all', '2001', {}, undefined],
      ["a holder's name other than our customer's", '2047', { name: '李四' }, FUND_PASSWORD],
      ["a holder's ID number other than our customer's", '2009', { idNumber: `1101011990${uniqueDigits(8)}` }, FUND_PASSWORD],
    ])('%s: %s', async (_case, code, holder, fundPassword) => {
      const o = await atCounter(holder);
      const refused = await bankA().startDesignation({ bankAccountNo: o.bankAccountNo, fundAccountNo: o.fundAccountNo, fundPassword });
      expect(refused.body).toMatchObject({ status: 'FAILED', returnCode: code });
      await expectNothingChanged(o, []);
      expect(await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: o.fundAccountNo, amount: '10.00' })).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_NOT_ACTIVE' } });
    });

    it('a fund account that is not ours: 2011', async () => {
      const o = await atCounter();
      const refused = await bankA().startDesignation({ bankAccountNo: o.bankAccountNo, fundAccountNo: `9${uniqueDigits(11)}`, fundPassword: FUND_PASSWORD });
      expect(refused.body).toMatchObject({ status: 'FAILED', returnCode: '2011' });
      expect(await bankA().bankBalance(o.bankAccountNo)).toBe('5000.00');
    });

    it('a fund account already designated at another bank: 3013, and it stays there', async () => {
      const o = await atCounter();
      await ctx.designate(o.customer, o.fundAccountNo, B);
      const before = await relationshipsOf(o.fundAccountNo);
      expect(before).toEqual([expect.objectContaining({ bankCode: B, status: 'DESIGNATED' })]);
      const refused = await bankA().startDesignation({ bankAccountNo: o.bankAccountNo, fundAccountNo: o.fundAccountNo, fundPassword: FUND_PASSWORD });
      expect(refused.body).toMatchObject({ status: 'FAILED', returnCode: '3013' });
      await expectNothingChanged(o, before);
    });

    it("domain.md §13: another of the customer's fund accounts already at this bank: 2034", async () => {
      const primary = await atCounter();
      expect((await bankA().startDesignation({ bankAccountNo: primary.bankAccountNo, fundAccountNo: primary.fundAccountNo, fundPassword: FUND_PASSWORD })).body).toMatchObject({ returnCode: '0000' });
      const auxiliary = await atCounter({}, primary.customer);
      const refused = await bankA().startDesignation({ bankAccountNo: auxiliary.bankAccountNo, fundAccountNo: auxiliary.fundAccountNo, fundPassword: FUND_PASSWORD });
      expect(refused.body).toMatchObject({ status: 'FAILED', returnCode: '2034' });
      await expectNothingChanged(auxiliary, []);
    });
  });
});

describe('11010 B: the bank adds another currency to a relationship (profile §4.1)', () => {
  /** A fund account designated by bank A in CNY at its counter, then opened in USD at the broker (the same number). */
  async function designatedInCnyOpenedInUsd() {
    const o = await atCounter();
    expect((await bankA().startDesignation({ bankAccountNo: o.bankAccountNo, fundAccountNo: o.fundAccountNo, fundPassword: FUND_PASSWORD })).body).toMatchObject({ returnCode: '0000' });
    const usd = await ctx.api.call('POST', '/v1/fund-accounts', { requestId: `usd-${o.fundAccountNo}`, fundAccountNo: o.fundAccountNo, customerNo: o.customer.customerNo, currency: 'USD', role: 'PRIMARY', branchId: '0001' });
    expect(usd).toMatchObject({ status: 201, body: { currencies: ['CNY', 'USD'] } });
    return o;
  }

  const usdBalance = async (fundAccountNo: string) =>
    (await ctx.api.call<Array<{ currency: string; balance: string }>>('GET', `/v1/fund-accounts/${fundAccountNo}/balances`)).body.find((b) => b.currency === 'USD')?.balance;

  it("profile §4.1: 0000 with the USD ledger's balance as ScBal; the USD relationship is DESIGNATED on the same bank account, the bank's USD custody account holds that opening balance, and USD moves both ways", async () => {
    const o = await designatedInCnyOpenedInUsd();
    await moneyFromBeforeCustody(o.fundAccountNo, '80.00', 'USD');
    expect(await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: o.fundAccountNo, currency: 'USD', amount: '1.00' })).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_NOT_ACTIVE' } });

    const registered = await bankA().startCurrencyRegistration({ fundAccountNo: o.fundAccountNo, currency: 'USD' });
    expect(registered.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000', openingBalance: '80.00' });
    expect(await bankA().custodyAccount(o.fundAccountNo, 'USD')).toMatchObject({ bankAccountNo: o.bankAccountNo, status: 'NORMAL', balance: '80.00' });
    expect(await relationshipsOf(o.fundAccountNo)).toEqual([
      expect.objectContaining({ currency: 'CNY', bankCode: A, bankAccountNo: o.bankAccountNo, status: 'DESIGNATED' }),
      expect.objectContaining({ currency: 'USD', bankCode: A, bankAccountNo: o.bankAccountNo, status: 'DESIGNATED' }),
    ]);

    expect((await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: o.fundAccountNo, currency: 'USD', amount: '30.00' })).body).toMatchObject({ status: 'SUCCEEDED' });
    expect(await bankA().bankBalance(o.bankAccountNo, 'USD')).toBe('30.00');
    expect((await bankA().startDeposit({ bankAccountNo: o.bankAccountNo, fundAccountNo: o.fundAccountNo, currency: 'USD', amount: '10.00' })).body).toMatchObject({ returnCode: '0000' });
    expect(await usdBalance(o.fundAccountNo)).toBe('60.00');
    expect(await bankA().custodyAccount(o.fundAccountNo, 'USD')).toMatchObject({ balance: '60.00' });
    // CNY is its own relationship and ledger, untouched.
    expect(await ctx.balances(o.fundAccountNo)).toMatchObject({ balance: '0.00' });

    // Asked again under its serial: the first answer, the first opening balance.
    const again = await bankA().resendCurrencyRegistration(registered.body.serialNo);
    expect(again.body).toEqual({ serialNo: registered.body.serialNo, status: 'SUCCEEDED', returnCode: '0000', openingBalance: '80.00' });
    expect((await bankA().books()).custodyAccounts.filter((c) => c.fundAccountNo === o.fundAccountNo)).toHaveLength(2);
  });

  it('§7.23: a currency the fund account is not opened in at the broker is refused 3011; nothing opens on either side', async () => {
    const o = await designatedInCnyOpenedInUsd();
    const refused = await bankA().startCurrencyRegistration({ fundAccountNo: o.fundAccountNo, currency: 'HKD' });
    expect(refused.body).toMatchObject({ status: 'FAILED', returnCode: '3011' });
    expect(await bankA().custodyAccount(o.fundAccountNo, 'HKD')).toBeUndefined();
    expect((await relationshipsOf(o.fundAccountNo)).map((r) => r.currency)).toEqual(['CNY']);
  });
});

