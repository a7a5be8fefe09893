import { randomUUID } from 'node:crypto';
import { TestContext, type Designated } from './support/test-context';

/**
 * F-3.9 B (domain.md §3, bank-protocol.md §4.1): the bank asks the broker a customer's fund ledger balance (11008)
 * with the fund password the customer typed at its counter; the broker answers `ScBal` Type 0 (balance), 1
 * (available) and 2 (withdrawable), as GET /v1/fund-accounts/{no}/balances shows them.
 */
jest.setTimeout(90_000);

const ctx = new TestContext();
const bankA = () => ctx.banks[ctx.bankCodes[0]];
const RIGHT = '246810';
const WRONG = '135799';

const customerWithFunds = (): Promise<Designated> => ctx.newDesignationWithFunds(RIGHT);

describe('F-3.9 B: the bank asks the fund ledger balance (11008)', () => {
  it('profile §4.1: the right fund password gets ScBal Type 0, 1 and 2 equal to GET …/balances, a trading hold counted; nothing changes', async () => {
    const d = await customerWithFunds();
    const hold = await ctx.api.call('POST', `/v1/fund-accounts/${d.fundAccountNo}/holds`, { requestId: randomUUID(), currency: 'CNY', amount: '300.00', reason: 'order 1' });
    expect(hold.status).toBe(201);
    const shown = await ctx.balances(d.fundAccountNo);
    expect(shown).toMatchObject({ balance: '1000.00', available: '700.00', withdrawable: '700.00' });

    const answer = await bankA().queryFundBalance({ fundAccountNo: d.fundAccountNo, fundPassword: RIGHT });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'ANSWERED', returnCode: '0000' });
    expect(answer.body.balances).toEqual({ balance: shown.balance, available: shown.available, withdrawable: shown.withdrawable });
    expect(await ctx.balances(d.fundAccountNo)).toEqual(shown);
  });

  it('I6: a wrong fund password is 2001 with no balance, and the bank asking again under the same serial counts once towards the lockout', async () => {
    const d = await customerWithFunds();
    const first = await bankA().queryFundBalance({ fundAccountNo: d.fundAccountNo, fundPassword: WRONG });
    expect(first.body).toMatchObject({ status: 'ANSWERED', returnCode: '2001' });
    expect(first.body.balances).toBeUndefined();
    const again = await bankA().queryFundBalance({ fundAccountNo: d.fundAccountNo, fundPassword: WRONG, serialNo: first.body.serialNo });
    expect(again.body).toMatchObject({ serialNo: first.body.serialNo, returnCode: '2001' });
    // Three more wrong queries make four wrong attempts: had the repeat counted, this would be the fifth and lock it.
    for (let i = 0; i < 3; i++) expect((await bankA().queryFundBalance({ fundAccountNo: d.fundAccountNo, fundPassword: WRONG })).body.returnCode).toBe('2001');
    expect((await bankA().queryFundBalance({ fundAccountNo: d.fundAccountNo, fundPassword: RIGHT })).body).toMatchObject({ returnCode: '0000', balances: { balance: '1000.00' } });
  });

  it('a fund password locked by wrong queries refuses even the right one with 2001, as a 12002 B', async () => {
    const d = await customerWithFunds();
    for (let i = 0; i < 5; i++) expect((await bankA().queryFundBalance({ fundAccountNo: d.fundAccountNo, fundPassword: WRONG })).body.returnCode).toBe('2001');
    const locked = await bankA().queryFundBalance({ fundAccountNo: d.fundAccountNo, fundPassword: RIGHT });
    expect(locked.body).toMatchObject({ returnCode: '2001' });
    expect(locked.body.balances).toBeUndefined();
    // The lockout the query counted is the one every fund password check shares.
    expect((await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '1.00', fundPassword: RIGHT })).body.code).toBe('FUND_PASSWORD_LOCKED');
  });

  it('profile §4.1: an unknown fund account is 2011', async () => {
    const answer = await bankA().queryFundBalance({ fundAccountNo: '999999999999', fundPassword: RIGHT });
    expect(answer.body).toMatchObject({ status: 'ANSWERED', returnCode: '2011' });
    expect(answer.body.balances).toBeUndefined();
  });

  it('profile §4.1: a fund account designated at another bank is 2013 at this one', async () => {
    const d = await customerWithFunds();
    const answer = await ctx.banks[ctx.bankCodes[1]].queryFundBalance({ fundAccountNo: d.fundAccountNo, fundPassword: RIGHT });
    expect(answer.body).toMatchObject({ status: 'ANSWERED', returnCode: '2013' });
  });
});
