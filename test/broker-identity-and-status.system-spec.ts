import { randomUUID } from 'node:crypto';
import { TestContext } from './support/test-context';

/**
 * Two account functions the broker starts on a designated relationship (issue 10), end to end through the public API,
 * the saga, the adapter and the simulated bank:
 * - F-3.11 S identity check (11007): the bank compares the customer the broker records with the holder of the linked
 *   bank account; a mismatch is an answer (`matched: false` with the bank's code), not a failure. Nothing changes.
 * - 11011 S status change (an operator's freeze, loss report, return to normal): the bank takes it first, then the
 *   ledger (transfers refused RELATIONSHIP_FROZEN), then account; the same status again is refused before sending.
 */
jest.setTimeout(180_000);

const ctx = new TestContext();
const bank = () => ctx.banks[ctx.bankCodes[0]];

const checkIdentity = (body: Record<string, unknown>) => ctx.api.call<Record<string, unknown>>('POST', '/v1/custody/identity-checks?waitMs=15000', body);
const changeStatus = (body: Record<string, unknown>, role: 'operator' | 'trading' = 'operator') =>
  ctx.api.call<Record<string, unknown>>('POST', '/v1/custody/status-changes?waitMs=15000', body, role);

describe('F-3.11 S: the broker asks the bank to check the customer’s identity (11007)', () => {
  it('the bank’s holder is the customer the broker records: matched, 0000; nothing moves', async () => {
    const d = await ctx.newDesignation();
    const before = await ctx.balances(d.fundAccountNo);
    const answer = await checkIdentity({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, currency: 'CNY' });
    expect(answer).toMatchObject({ status: 200, body: { matched: true, bankReturnCode: '0000' } });
    expect(await ctx.balances(d.fundAccountNo)).toEqual(before);
  });

  it.each([
    ['5010', 'the holder’s ID type', { idType: '11' }],
    ['5011', 'the holder’s ID number', { idNumber: '110101199912319999' }],
    ['5016', 'the holder’s name (not the same person)', { name: '王五' }],
  ])('§7.23 %s: %s at the bank differs from the broker’s record — an answer, matched false with the code', async (code, _what, change) => {
    const d = await ctx.newDesignation();
    await bank().amendHolder(d.bankAccountNo, change);
    const answer = await checkIdentity({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, currency: 'CNY' });
    expect(answer).toMatchObject({ status: 200, body: { matched: false, bankReturnCode: code } });
  });

  it('api.md: a repeated requestId gets the first answer; a new one asks the bank again', async () => {
    const d = await ctx.newDesignation();
    const body = { requestId: randomUUID(), fundAccountNo: d.fundAccountNo, currency: 'CNY' };
    expect((await checkIdentity(body)).body).toEqual({ matched: true, bankReturnCode: '0000' });
    await bank().amendHolder(d.bankAccountNo, { idNumber: '110101199912318888' });
    expect(await checkIdentity(body)).toMatchObject({ status: 200, body: { matched: true, bankReturnCode: '0000' } });
    expect((await checkIdentity({ ...body, requestId: randomUUID() })).body).toEqual({ matched: false, bankReturnCode: '5011' });
  });

  it('an unknown fund account is NOT_FOUND, one with no designated bank account RELATIONSHIP_NOT_ACTIVE; bad input VALIDATION_FAILED', async () => {
    const customer = await ctx.newCustomer();
    const undesignated = await ctx.newFundAccount(customer.customerNo);
    expect(await checkIdentity({ requestId: randomUUID(), fundAccountNo: '99999999999999', currency: 'CNY' })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await checkIdentity({ requestId: randomUUID(), fundAccountNo: undesignated, currency: 'CNY' })).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_NOT_ACTIVE' } });
    for (const bad of [{ fundAccountNo: undesignated, currency: 'EUR' }, { fundAccountNo: 'F-12', currency: 'CNY' }, { currency: 'CNY' }]) {
      expect(await checkIdentity({ requestId: randomUUID(), ...bad })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
  });
});

describe('11011 S: an operator changes a relationship’s status at the bank', () => {
  it('profile §4.1: a freeze the bank took refuses transfers (RELATIONSHIP_FROZEN; the bank’s own 2010), the same status again is ACCOUNT_STATUS_UNCHANGED, back to NORMAL transfers work; a repeated requestId changes nothing again', async () => {
    const d = await ctx.newDesignation();
    const deposit = { type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '100.00', bankPassword: d.bankPassword };
    expect((await ctx.transfer(deposit)).body).toMatchObject({ status: 'SUCCEEDED' });

    const freeze = { requestId: randomUUID(), fundAccountNo: d.fundAccountNo, accountStatus: 'FROZEN' };
    const frozen = await changeStatus(freeze);
    expect(frozen).toMatchObject({ status: 200, body: { fundAccountNo: d.fundAccountNo, bankCode: d.bankCode, accountStatus: 'FROZEN' } });
    // The bank took it (a frozen custody account refuses the broker's transfers 5218) and lists its 11011 under our serial.
    expect(await bank().custodyAccount(d.fundAccountNo)).toMatchObject({ accountState: 'FROZEN' });
    expect((await bank().transaction(frozen.body.serialNo as string)).body).toMatchObject({ instrCd: '11011', status: 'SUCCEEDED', returnCode: '0000' });

    const refused = await ctx.transfer(deposit);
    expect(refused).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_FROZEN' } });
    expect((await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '10.00' })).body).toMatchObject({ code: 'RELATIONSHIP_FROZEN' });
    expect((await bank().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '50.00' })).body).toMatchObject({ status: 'FAILED', returnCode: '2010' });
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: '100.00' });
    expect(await bank().custodyAccount(d.fundAccountNo)).toMatchObject({ balance: '100.00' });

    const transactionsBefore = (await bank().books()).transactions.length;
    expect(await changeStatus({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, accountStatus: 'FROZEN' })).toMatchObject({ status: 409, body: { code: 'ACCOUNT_STATUS_UNCHANGED' } });
    expect((await bank().books()).transactions.length).toBe(transactionsBefore);

    expect(await changeStatus({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, accountStatus: 'NORMAL' })).toMatchObject({ status: 200, body: { accountStatus: 'NORMAL' } });
    expect(await bank().custodyAccount(d.fundAccountNo)).toMatchObject({ accountState: 'NORMAL' });
    expect((await ctx.transfer(deposit)).body).toMatchObject({ status: 'SUCCEEDED' });
    expect((await bank().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '50.00' })).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });

    // The first freeze's requestId again: its first answer, and the relationship stays as it is now.
    expect(await changeStatus(freeze)).toEqual(frozen);
    expect(await bank().custodyAccount(d.fundAccountNo)).toMatchObject({ accountState: 'NORMAL' });
    expect((await ctx.transfer(deposit)).body).toMatchObject({ status: 'SUCCEEDED' });
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: '350.00' });
  });

  it('a change whose reply is lost is sent again under the same serial until the bank answers: its first reply, the change taken once', async () => {
    const d = await ctx.newDesignation();
    await bank().injectFault({ kind: 'DROP_REPLY', instrCd: '11011' });
    try {
      const frozen = await changeStatus({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, accountStatus: 'FROZEN' });
      expect(frozen).toMatchObject({ status: 200, body: { accountStatus: 'FROZEN' } });
      const serialNo = frozen.body.serialNo as string;
      expect(await bank().appliedFaults()).toContainEqual(expect.objectContaining({ kind: 'DROP_REPLY', serialNo }));
      const statusChanges = (await bank().books()).transactions.filter((t) => t.serialNo === serialNo);
      expect(statusChanges).toEqual([expect.objectContaining({ instrCd: '11011', status: 'SUCCEEDED', returnCode: '0000' })]);
      expect((await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '1.00', bankPassword: d.bankPassword })).body).toMatchObject({ code: 'RELATIONSHIP_FROZEN' });
    } finally {
      await bank().clearFaults();
    }
  });

  it('a loss report (LOST) is taken and lifted the same way', async () => {
    const d = await ctx.newDesignation();
    expect(await changeStatus({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, accountStatus: 'LOST' })).toMatchObject({ status: 200, body: { accountStatus: 'LOST' } });
    expect(await bank().custodyAccount(d.fundAccountNo)).toMatchObject({ accountState: 'LOST' });
    const refused = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '1.00', bankPassword: d.bankPassword });
    expect(refused.body).toMatchObject({ code: 'RELATIONSHIP_FROZEN' });
    expect((refused.body as { detail?: string }).detail).toContain('LOST');
    expect(await changeStatus({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, accountStatus: 'NORMAL' })).toMatchObject({ status: 200, body: { accountStatus: 'NORMAL' } });
  });

  it('only an operator may; a trading caller is 403 and nothing reaches the bank', async () => {
    const d = await ctx.newDesignation();
    expect(await changeStatus({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, accountStatus: 'FROZEN' }, 'trading')).toMatchObject({ status: 403 });
    expect(await bank().custodyAccount(d.fundAccountNo)).toMatchObject({ accountState: 'NORMAL' });
  });

  it('an unknown fund account is NOT_FOUND, one with no designated relationship RELATIONSHIP_NOT_ACTIVE, NORMAL on a normal one ACCOUNT_STATUS_UNCHANGED; bad input VALIDATION_FAILED', async () => {
    const d = await ctx.newDesignation();
    const customer = await ctx.newCustomer();
    const undesignated = await ctx.newFundAccount(customer.customerNo);
    expect(await changeStatus({ requestId: randomUUID(), fundAccountNo: '99999999999999', accountStatus: 'FROZEN' })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await changeStatus({ requestId: randomUUID(), fundAccountNo: undesignated, accountStatus: 'FROZEN' })).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_NOT_ACTIVE' } });
    expect(await changeStatus({ requestId: randomUUID(), fundAccountNo: d.fundAccountNo, accountStatus: 'NORMAL' })).toMatchObject({ status: 409, body: { code: 'ACCOUNT_STATUS_UNCHANGED' } });
    for (const bad of [{ fundAccountNo: d.fundAccountNo, accountStatus: 'BLOCKED' }, { fundAccountNo: d.fundAccountNo, accountStatus: '1' }, { accountStatus: 'FROZEN' }]) {
      expect(await changeStatus({ requestId: randomUUID(), ...bad })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }
    expect(await bank().custodyAccount(d.fundAccountNo)).toMatchObject({ accountState: 'NORMAL' });
  });
});
