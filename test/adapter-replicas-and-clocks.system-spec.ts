import { Client } from 'pg';
import { minus, TestContext, type Designated } from './support/test-context';

/**
 * Issue 7 items 1 and 6 on the whole stack: bank adapters as they run in production — more than one
 * replica of a bank's adapter during a rolling deploy, one of them frozen mid-call, and hosts whose clocks
 * disagree. Every test ends definite and checks both books: the fund ledger through the public API equals
 * the custody account in the bank's books, and the money moved exactly once.
 */
jest.setTimeout(180_000);

const ctx = new TestContext();
const bankCode = () => ctx.bankCodes[0];
const bank = () => ctx.banks[bankCode()];
const adapter = () => `bank-adapter-${bankCode()}`;
const FUND_PASSWORD = '246810';

async function books(d: Designated) {
  const [ledger, custody, bankAccount] = await Promise.all([ctx.balances(d.fundAccountNo), bank().custodyAccount(d.fundAccountNo), bank().bankBalance(d.bankAccountNo)]);
  return { ledger: ledger.balance, frozen: ledger.frozen, custody: custody.balance, bankAccount };
}

async function expectMovedOnce(d: Designated, before: Awaited<ReturnType<typeof books>>, amount: string) {
  const after = await books(d);
  expect(minus(after.ledger, before.ledger)).toBe(amount);
  expect(minus(before.bankAccount, after.bankAccount)).toBe(amount);
  expect(after.custody).toBe(after.ledger);
  expect(after.frozen).toBe('0.00');
}

/** The claim states of the saga's first call with this serial (its resends have calls of their own). */
async function originalClaims(serialNo: string): Promise<string[]> {
  const { rows } = await db.query<{ state: string }>(
    `SELECT c.state FROM bank_adapter.call_claims c JOIN saga.bank_calls b USING (call_id) WHERE b.serial_no = $1 AND b.purpose = 'ORIGINAL'`,
    [serialNo],
  );
  return rows.map((r) => r.state);
}

let db: Client;
beforeAll(async () => {
  db = new Client({ connectionString: ctx.info.postgres });
  await db.connect();
});
afterAll(() => db?.end());

describe('item 1: a call one replica wrote is never failed as not sent by another', () => {
  it('a withdrawal written by the adapter, which then freezes, is redelivered to a new replica with no session to the bank: it ends with the bank\'s real outcome and both books agree', async () => {
    const d = await ctx.newDesignation(bankCode(), '10000.00');
    expect((await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '500.00', bankPassword: d.bankPassword })).body.status).toBe('SUCCEEDED');
    const before = await books(d);

    // The bank takes the withdrawal at once and answers it late; the adapter has written it when it freezes.
    await bank().injectFault({ kind: 'DELAY_REPLY', instrCd: '12002', delayMs: 4_000, times: 1 });
    const started = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '40.00' }, 0);
    await ctx.eventually(() => bank().transaction(started.body.serialNo), (r) => r.status === 200, 10_000);
    await ctx.stack.pause(adapter());
    let replica: string | undefined;
    try {
      // A rolling deploy's new replica cannot sign in to the bank; it joins the group and, once the frozen
      // one's Kafka session has expired, takes the partition with the uncommitted call.
      await bank().injectFault({ kind: 'REFUSE_SESSION', times: 10_000 });
      replica = await ctx.stack.addReplica(adapter());
      // The frozen adapter claimed the call before writing it, so nobody may say it was not sent.
      expect(await originalClaims(started.body.serialNo)).toEqual(['SENDING']);
      const meanwhile = await ctx.eventually(
        () => ctx.api.call<{ status: string }>('GET', `/v1/transfers/${started.body.transferId}`),
        (r) => r.body.status === 'UNKNOWN',
        30_000,
      );
      expect(meanwhile.body.status).toBe('UNKNOWN');
    } finally {
      await ctx.stack.resume(adapter());
    }
    // The deploy is rolled back: the new replica stops, the first one takes its partition back and the bank is asked.
    await bank().clearFaults();
    await ctx.stack.stop(replica!);

    const settled = await ctx.definite(started.body.transferId, 90_000);
    expect(settled.body.status).toBe('SUCCEEDED');
    expect((await bank().transaction(started.body.serialNo)).body).toMatchObject({ status: 'SUCCEEDED' });
    await expectMovedOnce(d, before, '-40.00');
    expect(await originalClaims(started.body.serialNo)).toEqual(['SENDING']);
  });
});

describe('item 6: an adapter whose clock is off by the most allowed (±5 s) fails nothing and leaves nothing open', () => {
  afterAll(async () => {
    await ctx.stack.stop(adapter());
    await ctx.stack.restart(adapter());
  });

  it.each([
    ['ahead of', 5_000],
    ['behind', -5_000],
  ])('with its clock %s every other host\'s by 5 s: designation, both S transfers and both B transfers complete', async (_direction, clockSkewMs) => {
    await ctx.stack.stop(adapter());
    await ctx.stack.restart(adapter(), { clockSkewMs });

    const d = await ctx.newDesignation(bankCode(), '10000.00');
    expect((await ctx.api.call('PUT', `/v1/customers/${d.customerNo}/fund-password`, { password: FUND_PASSWORD })).status).toBe(204);
    const before = await books(d);

    const deposit = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount: '300.00', bankPassword: d.bankPassword });
    expect(deposit.body).toMatchObject({ status: 'SUCCEEDED' });
    const withdrawal = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '100.00' });
    expect(withdrawal.body).toMatchObject({ status: 'SUCCEEDED' });
    // The bank's own: the adapter stamps when it read them, the ledger judges their reply deadline by its clock.
    expect((await bank().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '50.00' })).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    const bWithdrawal = await bank().startBankInitiated({ type: 'SECURITIES_TO_BANK', bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '20.00', fundPassword: FUND_PASSWORD });
    expect(bWithdrawal.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });

    await expectMovedOnce(d, before, '230.00');
  });
});
