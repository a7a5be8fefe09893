import { randomUUID } from 'node:crypto';
import { uniqueDigits, uniqueFundAccountNo } from '@custody/testing';
import { type Designated, TestContext } from './support/test-context';

/**
 * F-3.8 B (issue 10): the customer cancels their custody at the bank's counter (11004, Acmt.003.01). Account checks
 * the relationship, the transfer service the ledger — zero balance, nothing held, not frozen, no transfer in flight —
 * and closes it in the transaction of its 0000, so from the moment the bank reads it no transfer takes the ledger;
 * the relationship shows CANCELLED a message hop later. A refusal changes nothing on either side; the bank asking
 * again under its serial gets the first answer.
 */
jest.setTimeout(120_000);

const ctx = new TestContext();
const [A, B] = ctx.bankCodes;
const bankA = () => ctx.banks[A];

interface FundAccountView {
  relationships: Array<{ bankCode: string; bankAccountNo?: string; status: string }>;
}

async function relationshipOf(fundAccountNo: string) {
  return (await ctx.api.call<FundAccountView>('GET', `/v1/fund-accounts/${fundAccountNo}`)).body.relationships[0];
}

/** The relationship as GET shows it once `status` has come (account marks it a message hop after the ledger closed). */
function relationshipBecomes(fundAccountNo: string, status: string) {
  return ctx.eventually(
    () => relationshipOf(fundAccountNo),
    (relationship) => relationship?.status === status,
    5_000,
  );
}

/** A designated customer at bank A with `amount` deposited through our API. */
async function designatedWith(amount: string): Promise<Designated> {
  const d = await ctx.newDesignation(A);
  expect((await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount, bankPassword: d.bankPassword })).body).toMatchObject({ status: 'SUCCEEDED' });
  return d;
}

/** What a refusal must leave as it was: the relationship at both sides, the ledger and the custody account. */
async function expectUnchanged(d: Designated, balance: string) {
  expect(await relationshipOf(d.fundAccountNo)).toMatchObject({ bankCode: d.bankCode, bankAccountNo: d.bankAccountNo, status: 'DESIGNATED' });
  expect(await ctx.banks[d.bankCode].custodyAccount(d.fundAccountNo)).toMatchObject({ status: 'NORMAL', balance });
  expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance });
}

describe('F-3.8 B: the bank cancels a custody relationship (11004)', () => {
  it('F-3.8: at zero the bank gets 0000, GET shows CANCELLED, the bank closed its custody account, and transfers are refused afterwards; the bank asking again gets 0000', async () => {
    const d = await designatedWith('100.00');
    expect((await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '100.00' })).body).toMatchObject({ status: 'SUCCEEDED' });

    const cancelled = await bankA().startCancellation({ fundAccountNo: d.fundAccountNo });
    expect(cancelled.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    // The ledger closed before the bank read the 0000: a deposit right after is refused, and names why.
    const refused = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '10.00', bankPassword: d.bankPassword });
    expect(refused).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_NOT_ACTIVE' } });
    expect(refused.body.detail).toContain('cancelled (F-3.8)');
    expect(await relationshipBecomes(d.fundAccountNo, 'CANCELLED')).toMatchObject({ bankCode: A, status: 'CANCELLED' });
    expect(await bankA().custodyAccount(d.fundAccountNo)).toMatchObject({ status: 'CANCELLED', balance: '0.00' });
    expect(await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '1.00' })).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_NOT_ACTIVE' } });
    // The bank's own counter no longer finds the relationship either.
    expect((await bankA().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '10.00' })).body).toMatchObject({ code: 'BANK_REFUSED', returnCode: '1016' });
    expect(await bankA().bankBalance(d.bankAccountNo)).toBe('10000.00');

    const again = await bankA().resendAccountFunction('cancellations', cancelled.body.serialNo);
    expect(again.body).toMatchObject({ serialNo: cancelled.body.serialNo, status: 'SUCCEEDED', returnCode: '0000' });
    expect(await relationshipOf(d.fundAccountNo)).toMatchObject({ status: 'CANCELLED' });
  });

  it('profile §4.1 "11004": a pre-designated relationship is cancelled without a bank account', async () => {
    const customer = await ctx.newCustomer();
    const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
    const opened = await ctx.api.call<{ status: string }>('POST', '/v1/custody/pre-designations?waitMs=15000', { requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode: A });
    expect(opened.body).toMatchObject({ status: 'PRE_DESIGNATED' });

    expect((await bankA().startCancellation({ fundAccountNo })).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    expect(await relationshipBecomes(fundAccountNo, 'CANCELLED')).toMatchObject({ status: 'CANCELLED' });
    expect(await bankA().custodyAccount(fundAccountNo)).toMatchObject({ status: 'CANCELLED' });
  });

  it('F-3.8, §7.23: a balance is refused 5316 and changes nothing; asked again under its serial after the customer emptied the ledger, the bank still gets 5316; a new request then cancels', async () => {
    const d = await designatedWith('100.00');
    const refused = await bankA().startCancellation({ fundAccountNo: d.fundAccountNo });
    expect(refused.body).toMatchObject({ status: 'FAILED', returnCode: '5316' });
    await expectUnchanged(d, '100.00');

    // Transfers go on as before the refusal.
    expect((await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '100.00' })).body).toMatchObject({ status: 'SUCCEEDED' });
    expect((await bankA().resendAccountFunction('cancellations', refused.body.serialNo)).body).toMatchObject({ returnCode: '5316' });
    expect((await bankA().startCancellation({ fundAccountNo: d.fundAccountNo })).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    expect(await relationshipBecomes(d.fundAccountNo, 'CANCELLED')).toMatchObject({ status: 'CANCELLED' });
  });

  it('F-3.8, §7.23: a trading hold is refused 5317 and changes nothing', async () => {
    const d = await designatedWith('100.00');
    const hold = await ctx.api.call('POST', `/v1/fund-accounts/${d.fundAccountNo}/holds`, { requestId: randomUUID(), currency: 'CNY', amount: '30.00', reason: 'order 1' });
    expect(hold.status).toBe(201);
    expect((await bankA().startCancellation({ fundAccountNo: d.fundAccountNo })).body).toMatchObject({ status: 'FAILED', returnCode: '5317' });
    await expectUnchanged(d, '100.00');
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ frozen: '30.00' });
  });

  it('profile §4.1 "11011": a frozen relationship is refused 2010 even at zero, and changes nothing', async () => {
    const d = await ctx.newDesignation(A);
    expect((await bankA().startStatusChange({ fundAccountNo: d.fundAccountNo, accountState: 'FROZEN' })).body).toMatchObject({ returnCode: '0000' });
    expect((await bankA().startCancellation({ fundAccountNo: d.fundAccountNo })).body).toMatchObject({ status: 'FAILED', returnCode: '2010' });
    await expectUnchanged(d, '0.00');
    expect(await bankA().custodyAccount(d.fundAccountNo)).toMatchObject({ accountState: 'FROZEN' });
  });

  it('profile §4.1: an unknown fund account is refused 2011; a relationship at another bank 2013 — each changing nothing', async () => {
    const d = await ctx.newDesignation(B);
    const customer = await ctx.newCustomer();
    // The customer's own account at bank A, which the teller names for the fund account they bring.
    const atA = `62${uniqueDigits(17)}`;
    await bankA().openBankAccount({ bankAccountNo: atA, name: customer.name, idType: customer.idType, idNumber: customer.idNumber, password: '135790', balance: '0.00' });

    expect((await bankA().startCancellation({ fundAccountNo: uniqueFundAccountNo(), bankAccountNo: atA })).body).toMatchObject({ status: 'FAILED', returnCode: '2011' });
    expect((await bankA().startCancellation({ fundAccountNo: d.fundAccountNo, bankAccountNo: atA })).body).toMatchObject({ status: 'FAILED', returnCode: '2013' });
    await expectUnchanged(d, '0.00');
    expect((await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '10.00', bankPassword: d.bankPassword })).body).toMatchObject({ status: 'SUCCEEDED' });
  });
});
