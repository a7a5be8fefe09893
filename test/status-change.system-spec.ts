import { TestContext } from './support/test-context';

/**
 * 11011 B (issue 10): the bank freezes a fund account's relationship with it (Acmt.005.01, the new status in
 * `BkAcct/Status`). The broker's ledger takes the status before its 0000 reaches the bank: from then on our API
 * refuses transfers (RELATIONSHIP_FROZEN) and the bank's own transfer requests are answered 2010, nothing moved,
 * until the bank sets the status back to normal.
 */
jest.setTimeout(120_000);

const ctx = new TestContext();
const bank = () => ctx.banks[ctx.bankCodes[0]];

describe('11011 B: the bank changes a relationship status (freeze, unfreeze)', () => {
  it('profile §4.1: a frozen relationship refuses transfers both ways (RELATIONSHIP_FROZEN, 2010); the same status again is 5003; back to normal, transfers work', async () => {
    const d = await ctx.newDesignation();
    const deposit = { type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '100.00', bankPassword: d.bankPassword };
    expect((await ctx.transfer(deposit)).body).toMatchObject({ status: 'SUCCEEDED' });

    const frozen = await bank().startStatusChange({ fundAccountNo: d.fundAccountNo, accountState: 'FROZEN' });
    expect(frozen.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    expect(await bank().custodyAccount(d.fundAccountNo)).toMatchObject({ accountState: 'FROZEN' });

    // The ledger took the status before the bank read the 0000: both sides' transfers are refused at once.
    const refused = await ctx.transfer(deposit);
    expect(refused).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_FROZEN' } });
    expect((refused.body as { detail?: string }).detail).toContain('FROZEN');
    const bankDeposit = await bank().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '50.00' });
    expect(bankDeposit.body).toMatchObject({ status: 'FAILED', returnCode: '2010' });
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: '100.00' });
    expect(await bank().bankBalance(d.bankAccountNo)).toBe('9900.00');
    expect(await bank().custodyAccount(d.fundAccountNo)).toMatchObject({ balance: '100.00' });

    const again = await bank().startStatusChange({ fundAccountNo: d.fundAccountNo, accountState: 'FROZEN' });
    expect(again.body).toMatchObject({ status: 'FAILED', returnCode: '5003' });

    const unfrozen = await bank().startStatusChange({ fundAccountNo: d.fundAccountNo, accountState: 'NORMAL' });
    expect(unfrozen.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    expect((await bank().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '50.00' })).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    expect((await ctx.transfer(deposit)).body).toMatchObject({ status: 'SUCCEEDED' });
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: '250.00' });
  });
});
