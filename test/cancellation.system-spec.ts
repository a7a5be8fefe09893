import { randomUUID } from 'node:crypto';
import { type Designated, TestContext } from './support/test-context';

/**
 * F-3.8 S (domain.md §3, bank-protocol.md §4.1): the broker cancels a custody relationship (11004, Acmt.003.01). The
 * transfer service closes the fund ledger first — only with zero balance, nothing held or frozen, no transfer in
 * flight — so nothing moves while the bank decides; the bank closes the custody account when its balance is `ScBal`
 * (0.00), nothing is frozen and nothing in flight (else 5316/5317/5318, and the ledger opens again). Public API →
 * account → saga → transfer → adapter → simulator and back; real PostgreSQL, Redis and Kafka.
 */
jest.setTimeout(180_000);

const ctx = new TestContext();
const bankA = () => ctx.banks[ctx.bankCodes[0]];

interface RelationshipBody {
  fundAccountNo: string;
  currency: string;
  bankCode: string;
  bankAccountNo?: string;
  custodyAccountNo?: string;
  status: string;
  code?: string;
  detail?: string;
  bankReturnCode?: string;
}

const cancel = (body: Record<string, unknown>, waitMs = 15_000) => ctx.api.call<RelationshipBody>('POST', `/v1/custody/cancellations?waitMs=${waitMs}`, body);
const cancellation = (d: Designated, requestId = randomUUID()) => ({ requestId, fundAccountNo: d.fundAccountNo, currency: 'CNY' });
const relationships = async (fundAccountNo: string) => (await ctx.api.call<{ relationships: RelationshipBody[] }>('GET', `/v1/fund-accounts/${fundAccountNo}`)).body.relationships;
const deposit = (d: Designated, amount = '10.00') => ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: d.fundAccountNo, amount, bankPassword: d.bankPassword });

/** The 11004s the bank received for the fund account. */
const cancellationsAtBank = async (d: Designated) => (await bankA().books()).transactions.filter((t) => t.instrCd === '11004' && t.fundAccountNo === d.fundAccountNo);

/** Nothing changed by a refused cancellation: the relationship is designated, the ledger open, the bank's custody account open. */
async function expectUnchanged(d: Designated, balance: string): Promise<void> {
  expect(await relationships(d.fundAccountNo)).toEqual([expect.objectContaining({ status: 'DESIGNATED' })]);
  expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance });
  expect(await bankA().custodyAccount(d.fundAccountNo)).toMatchObject({ status: 'NORMAL' });
}

describe('F-3.8 S: the broker cancels a custody relationship (11004)', () => {
  afterEach(() => bankA().clearFaults());

  it('F-3.8: a relationship with nothing on it is CANCELLED; the bank closed the custody account; a transfer afterwards is refused; a repeated requestId gets the same answer', async () => {
    const d = await ctx.newDesignation();
    const body = cancellation(d);

    const cancelled = await cancel(body);

    expect(cancelled.status).toBe(201);
    expect(cancelled.body).toEqual({ fundAccountNo: d.fundAccountNo, currency: 'CNY', bankCode: d.bankCode, bankAccountNo: d.bankAccountNo, custodyAccountNo: d.custodyAccountNo, status: 'CANCELLED' });
    expect(await relationships(d.fundAccountNo)).toEqual([expect.objectContaining({ status: 'CANCELLED', custodyAccountNo: d.custodyAccountNo })]);
    expect(await bankA().custodyAccount(d.fundAccountNo)).toMatchObject({ custodyAccountNo: d.custodyAccountNo, status: 'CANCELLED', balance: '0.00' });

    const refused = await deposit(d);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('RELATIONSHIP_NOT_ACTIVE');
    const bankDeposit = await bankA().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '10.00' });
    expect(bankDeposit.status).toBe(422);
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: '0.00' });

    const repeat = await cancel(body);
    expect(repeat.status).toBe(201);
    expect(repeat.body).toEqual(cancelled.body);
    const again = await cancel(cancellation(d));
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('RELATIONSHIP_NOT_ACTIVE');
  });

  it('F-3.8: after a cancellation the fund account is designated again (a new 11001 opens a new relationship) and transfers', async () => {
    const customer = await ctx.newCustomer();
    const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
    const first = await ctx.designate(customer, fundAccountNo, ctx.bankCodes[0]);
    expect((await cancel(cancellation(first))).body.status).toBe('CANCELLED');

    const second = await ctx.designate(customer, fundAccountNo, ctx.bankCodes[0]);

    expect(second.custodyAccountNo).not.toBe(first.custodyAccountNo);
    expect(await relationships(fundAccountNo)).toEqual([expect.objectContaining({ status: 'CANCELLED', custodyAccountNo: first.custodyAccountNo }), expect.objectContaining({ status: 'DESIGNATED', custodyAccountNo: second.custodyAccountNo })]);
    expect((await deposit(second, '25.00')).body).toMatchObject({ status: 'SUCCEEDED' });
    expect(await ctx.balances(fundAccountNo)).toMatchObject({ balance: '25.00' });
  });

  it('F-3.8: a balance is CANCELLATION_REFUSED (the detail says so); nothing changed, nothing reached the bank; a repeated requestId is refused the same', async () => {
    const d = await ctx.newDesignation();
    expect((await deposit(d, '100.00')).body).toMatchObject({ status: 'SUCCEEDED' });
    const body = cancellation(d);

    const refused = await cancel(body);

    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'CANCELLATION_REFUSED' });
    expect(refused.body.detail).toContain('a balance of 100.00');
    await expectUnchanged(d, '100.00');
    expect(await cancellationsAtBank(d)).toEqual([]);
    expect((await deposit(d, '1.00')).body).toMatchObject({ status: 'SUCCEEDED' });
    const repeat = await cancel(body);
    expect(repeat.status).toBe(422);
    expect(repeat.body).toEqual(refused.body);
  });

  it('F-3.8: a hold is CANCELLATION_REFUSED (the detail names the hold); nothing changed', async () => {
    const d = await ctx.newDesignation();
    expect((await deposit(d, '50.00')).body).toMatchObject({ status: 'SUCCEEDED' });
    const hold = await ctx.api.call('POST', `/v1/fund-accounts/${d.fundAccountNo}/holds`, { requestId: randomUUID(), currency: 'CNY', amount: '20.00', reason: 'buy order' });
    expect(hold.status).toBe(201);

    const refused = await cancel(cancellation(d));

    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'CANCELLATION_REFUSED' });
    expect(refused.body.detail).toContain('a hold of 20.00');
    await expectUnchanged(d, '50.00');
    expect(await cancellationsAtBank(d)).toEqual([]);
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ frozen: '20.00' });
  });

  it('11011: a relationship the bank froze is RELATIONSHIP_FROZEN; nothing changed', async () => {
    const d = await ctx.newDesignation();
    expect((await bankA().startStatusChange({ fundAccountNo: d.fundAccountNo, accountState: 'FROZEN' })).body).toMatchObject({ returnCode: '0000' });

    const refused = await cancel(cancellation(d));

    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('RELATIONSHIP_FROZEN');
    expect(refused.body.detail).toContain('frozen');
    await expectUnchanged(d, '0.00');
    expect(await cancellationsAtBank(d)).toEqual([]);
    expect((await bankA().startStatusChange({ fundAccountNo: d.fundAccountNo, accountState: 'NORMAL' })).body).toMatchObject({ returnCode: '0000' });
  });

  it('F-3.8: a transfer in flight (a deposit held UNKNOWN: no reply, no query answered) is CANCELLATION_REFUSED; nothing changed', async () => {
    const d = await ctx.newDesignation();
    await bankA().injectFault({ kind: 'DROP_REPLY', instrCd: '12001' });
    await bankA().injectFault({ kind: 'DROP_REQUEST', instrCd: '12005', times: 100 });
    await bankA().injectFault({ kind: 'DROP_REQUEST', instrCd: '12003', times: 100 });
    const left = await deposit(d, '80.00');
    const unknown = await ctx.eventually(
      () => ctx.api.call<{ status: string }>('GET', `/v1/transfers/${left.body.transferId}`),
      (r) => r.body.status === 'UNKNOWN',
    );
    expect(unknown.body.status).toBe('UNKNOWN');

    const refused = await cancel(cancellation(d));

    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'CANCELLATION_REFUSED' });
    expect(refused.body.detail).toContain('1 transfer(s) in flight');
    await expectUnchanged(d, '0.00');
    expect(await cancellationsAtBank(d)).toEqual([]);
    // The ledger was never closed: a hold would be refused for want of money, not RELATIONSHIP_CHANGING.
    const hold = await ctx.api.call('POST', `/v1/fund-accounts/${d.fundAccountNo}/holds`, { requestId: randomUUID(), currency: 'CNY', amount: '1.00', reason: 'buy order' });
    expect(hold.body).toMatchObject({ code: 'INSUFFICIENT_WITHDRAWABLE' });
  });

  it("profile §4.1: the bank's refusal (5318: its own deposit still unanswered) is BANK_REJECTED with its code; the ledger is open again and transfers work", async () => {
    const d = await ctx.newDesignation();
    // The bank books a deposit at its counter and never gets it to the broker: its custody account is not the ledger.
    await bankA().injectFault({ kind: 'LOSE_BANK_REQUEST', instrCd: '12001' });
    expect((await bankA().startDeposit({ bankAccountNo: d.bankAccountNo, fundAccountNo: d.fundAccountNo, amount: '30.00' })).body).toMatchObject({ status: 'UNKNOWN' });

    const refused = await cancel(cancellation(d));

    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'BANK_REJECTED', bankReturnCode: '5318', bankCode: d.bankCode });
    await expectUnchanged(d, '0.00');
    expect(await cancellationsAtBank(d)).toEqual([expect.objectContaining({ status: 'FAILED', returnCode: '5318' })]);
    expect((await deposit(d, '15.00')).body).toMatchObject({ status: 'SUCCEEDED' });
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: '15.00' });
  });

  it('F-3.8: while the 11004 is unanswered the ledger takes no transfer (RELATIONSHIP_CHANGING) and the caller gets 202; the 11004 is sent again with its serial, and the same requestId gets the CANCELLED relationship', async () => {
    const d = await ctx.newDesignation();
    await bankA().injectFault({ kind: 'DROP_REPLY', instrCd: '11004', times: 2 });
    const body = cancellation(d);

    const pending = await cancel(body, 500);

    expect(pending.status).toBe(202);
    expect(pending.body).toEqual({ status: 'PENDING' });
    const changing = await deposit(d);
    expect(changing.status).toBe(409);
    expect(changing.body.code).toBe('RELATIONSHIP_CHANGING');
    const hold = await ctx.api.call('POST', `/v1/fund-accounts/${d.fundAccountNo}/holds`, { requestId: randomUUID(), currency: 'CNY', amount: '1.00', reason: 'buy order' });
    expect(hold.body).toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
    const twice = await cancel(cancellation(d), 0);
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('RELATIONSHIP_CHANGING');

    const settled = await ctx.eventually(
      () => cancel(body, 1000),
      (r) => r.status !== 202,
      60_000,
    );
    expect(settled.status).toBe(201);
    expect(settled.body).toMatchObject({ status: 'CANCELLED', custodyAccountNo: d.custodyAccountNo });
    expect(await bankA().custodyAccount(d.fundAccountNo)).toMatchObject({ status: 'CANCELLED' });
    // Sent again under its serial, processed once: the bank's one record, and the two replies it dropped.
    expect(await cancellationsAtBank(d)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', returnCode: '0000' })]);
    const applied = await bankA().appliedFaults();
    expect(applied.filter((f) => f.instrCd === '11004')).toHaveLength(2);
  });

  it('bad input is VALIDATION_FAILED; an unknown fund account NOT_FOUND; one without a relationship RELATIONSHIP_NOT_ACTIVE; nothing reaches the bank', async () => {
    const d = await ctx.newDesignation();
    const currency = await cancel({ ...cancellation(d), currency: 'EUR' });
    expect(currency.status).toBe(400);
    expect(currency.body.code).toBe('VALIDATION_FAILED');
    const number = await cancel({ ...cancellation(d), fundAccountNo: 'F-1' });
    expect(number.status).toBe(400);
    const unknown = await cancel({ requestId: randomUUID(), fundAccountNo: '99999999999999', currency: 'CNY' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
    const customer = await ctx.newCustomer();
    const undesignated = await cancel({ requestId: randomUUID(), fundAccountNo: await ctx.newFundAccount(customer.customerNo), currency: 'CNY' });
    expect(undesignated.status).toBe(422);
    expect(undesignated.body.code).toBe('RELATIONSHIP_NOT_ACTIVE');
    await expectUnchanged(d, '0.00');
    expect(await cancellationsAtBank(d)).toEqual([]);
  });
});
