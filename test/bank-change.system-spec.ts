import { randomUUID } from 'node:crypto';
import { uniqueDigits } from '@custody/testing';
import { type Customer, type Designated, TestContext } from './support/test-context';

/**
 * F-3.6 S (domain.md §3, bank-protocol.md §4 "F-3.6 has no code of its own"): the broker moves a fund account's
 * relationship to another custodian bank. The transfer service closes the ledger (refused with a hold or a transfer in
 * flight), the old bank closes the custody account with the whole balance (11004, `ScBal`), the new bank opens one
 * with it (11001); the balance is owed by the old summary account to the new one as the day's settlement instruction.
 * If the new bank refuses, the old bank holds the money again in a pre-designated custody account (11002) the customer
 * confirms there: never without a bank. Public API → account → saga → transfer → both adapters → both simulators; real
 * PostgreSQL, Redis and Kafka; one test SIGKILLs the saga coordinator between the two banks' steps.
 */
jest.setTimeout(240_000);

const ctx = new TestContext();
const A = () => ctx.bankCodes[0];
const B = () => ctx.bankCodes[1];

interface RelationshipBody {
  fundAccountNo: string;
  currency: string;
  bankCode: string;
  bankAccountNo?: string;
  custodyAccountNo?: string;
  status: string;
  history?: Array<{ function: string; initiator: string; status: string; serialNo: string; counterpartSerialNo?: string }>;
  code?: string;
  detail?: string;
  bankReturnCode?: string;
}

interface Movable extends Designated {
  customer: Customer;
  newBankAccountNo: string;
}

const change = (body: Record<string, unknown>, waitMs = 20_000) => ctx.api.call<RelationshipBody>('POST', `/v1/custody/bank-changes?waitMs=${waitMs}`, body);
const bankChange = (m: Movable, requestId = randomUUID()) => ({ requestId, fundAccountNo: m.fundAccountNo, currency: 'CNY', newBankCode: B(), newBankAccountNo: m.newBankAccountNo, bankPassword: '246810' });
const relationships = async (fundAccountNo: string) => (await ctx.api.call<{ relationships: RelationshipBody[] }>('GET', `/v1/fund-accounts/${fundAccountNo}`, undefined, 'auditor')).body.relationships;
const transactionsAt = async (bankCode: string, fundAccountNo: string, instrCd: string) =>
  (await ctx.banks[bankCode].books()).transactions.filter((t) => t.fundAccountNo === fundAccountNo && t.instrCd === instrCd);

/**
 * A customer designated at bank A with `balance` on the fund ledger (deposited from their bank account), and an
 * account at bank B in their name (password 246810) — or, with `holderAtB`, in someone else's.
 */
async function movable(balance = '300.00', holderAtB?: { name: string; idNumber: string }): Promise<Movable> {
  const customer = await ctx.newCustomer();
  const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
  const d = await ctx.designate(customer, fundAccountNo, A());
  const deposit = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo, amount: balance, bankPassword: d.bankPassword });
  expect(deposit.body.status).toBe('SUCCEEDED');
  const newBankAccountNo = `62${uniqueDigits(17)}`;
  const holder = holderAtB ?? customer;
  await ctx.banks[B()].openBankAccount({ bankAccountNo: newBankAccountNo, name: holder.name, idType: '10', idNumber: holder.idNumber, password: '246810', balance: '1000.00' });
  return { ...d, customer, newBankAccountNo };
}

describe('F-3.6 S: the broker changes a fund account’s custodian bank', () => {
  afterEach(async () => {
    await ctx.banks[A()].clearFaults();
    await ctx.banks[B()].clearFaults();
  });

  it('F-3.6: the whole balance leaves the old bank (11004) and opens the new one (11001); the relationship is DESIGNATED at the new bank, the old CANCELLED, and transfers go to the new bank', async () => {
    const m = await movable('300.00');
    const body = bankChange(m);

    const moved = await change(body);

    expect(moved.status).toBe(201);
    expect(moved.body).toEqual({ fundAccountNo: m.fundAccountNo, currency: 'CNY', bankCode: B(), bankAccountNo: m.newBankAccountNo, custodyAccountNo: expect.any(String), status: 'DESIGNATED' });
    const [closed] = await transactionsAt(A(), m.fundAccountNo, '11004');
    expect(closed).toMatchObject({ status: 'SUCCEEDED', amount: '300.00' });
    expect(await ctx.banks[A()].custodyAccount(m.fundAccountNo)).toMatchObject({ custodyAccountNo: m.custodyAccountNo, status: 'CANCELLED', balance: '0.00' });
    expect(await ctx.banks[B()].custodyAccount(m.fundAccountNo)).toMatchObject({ custodyAccountNo: moved.body.custodyAccountNo, bankAccountNo: m.newBankAccountNo, status: 'NORMAL', balance: '300.00' });
    expect(await ctx.balances(m.fundAccountNo)).toMatchObject({ balance: '300.00' });

    const [old, current] = await relationships(m.fundAccountNo);
    expect(old).toMatchObject({ bankCode: A(), status: 'CANCELLED' });
    expect(old.history?.at(-1)).toMatchObject({ function: '11004', initiator: 'S', status: 'CANCELLED', counterpartSerialNo: closed.bankSerialNo });
    expect(current).toMatchObject({ bankCode: B(), bankAccountNo: m.newBankAccountNo, status: 'DESIGNATED' });
    expect(current.history).toEqual([expect.objectContaining({ function: '11001', initiator: 'S', status: 'DESIGNATED' })]);

    // Its money is at bank B now: a withdrawal pays into the new account.
    const withdrawal = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: m.fundAccountNo, amount: '50.00' });
    expect(withdrawal.body.status).toBe('SUCCEEDED');
    expect(await ctx.banks[B()].custodyAccount(m.fundAccountNo)).toMatchObject({ balance: '250.00' });
    expect(await ctx.banks[B()].bankBalance(m.newBankAccountNo)).toBe('1050.00');

    const repeat = await change(body);
    expect(repeat).toMatchObject({ status: 201, body: moved.body });
    expect(await transactionsAt(B(), m.fundAccountNo, '11001')).toHaveLength(1);
  });

  it('F-3.6: the new bank refuses (5011, an account of another person): the old bank holds the money again, pre-designated, until the customer confirms it there (F-3.2); never without a bank', async () => {
    const m = await movable('120.00', { name: '李四', idNumber: `1101011990${uniqueDigits(8)}` });

    const refused = await change(bankChange(m));

    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'BANK_REJECTED', bankReturnCode: '5011', detail: expect.stringContaining('pre-designated') });
    expect(await ctx.banks[B()].custodyAccount(m.fundAccountNo)).toBeUndefined();
    const atA = (await ctx.banks[A()].books()).custodyAccounts.filter((c) => c.fundAccountNo === m.fundAccountNo);
    expect(atA).toEqual([
      expect.objectContaining({ custodyAccountNo: m.custodyAccountNo, status: 'CANCELLED', balance: '0.00' }),
      expect.objectContaining({ status: 'PRE_DESIGNATED', balance: '120.00' }),
    ]);
    expect(await relationships(m.fundAccountNo)).toEqual([
      expect.objectContaining({ bankCode: A(), status: 'CANCELLED' }),
      expect.objectContaining({ bankCode: A(), status: 'PRE_DESIGNATED' }),
    ]);
    expect(await ctx.balances(m.fundAccountNo)).toMatchObject({ balance: '120.00' });
    const meanwhile = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: m.fundAccountNo, amount: '1.00' });
    expect(meanwhile.body.code).toBe('RELATIONSHIP_NOT_ACTIVE');

    const confirmed = await ctx.banks[A()].startConfirmation({ bankAccountNo: m.bankAccountNo, fundAccountNo: m.fundAccountNo });
    expect(confirmed.body).toMatchObject({ status: 'SUCCEEDED' });
    await ctx.eventually(() => relationships(m.fundAccountNo), (rs) => rs.at(-1)?.status === 'DESIGNATED');
    const withdrawal = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: m.fundAccountNo, amount: '20.00' });
    expect(withdrawal.body.status).toBe('SUCCEEDED');
  });

  it('F-3.6: refused before anything is sent — a hold (BANK_CHANGE_REFUSED, naming it), the bank it is at, an unknown bank, malformed input — and nothing changes at either bank', async () => {
    const m = await movable('60.00');
    const hold = await ctx.api.call('POST', `/v1/fund-accounts/${m.fundAccountNo}/holds`, { requestId: randomUUID(), currency: 'CNY', amount: '10.00', reason: 'order 7' });
    expect(hold.status).toBe(201);

    const held = await change(bankChange(m));
    expect(held).toMatchObject({ status: 422, body: { code: 'BANK_CHANGE_REFUSED', detail: expect.stringContaining('a hold of 10.00') } });
    expect((await change({ ...bankChange(m), newBankCode: A() })).body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await change({ ...bankChange(m), newBankCode: '9999999' })).body).toMatchObject({ code: 'UNKNOWN_BANK' });
    for (const bad of [{ newBankCode: '105' }, { newBankAccountNo: 'x' }, { bankPassword: '' }, { currency: 'XYZ' }]) {
      const result = await change({ ...bankChange(m), ...bad });
      expect(result).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    }

    expect(await transactionsAt(A(), m.fundAccountNo, '11004')).toEqual([]);
    expect(await ctx.banks[B()].custodyAccount(m.fundAccountNo)).toBeUndefined();
    expect(await relationships(m.fundAccountNo)).toEqual([expect.objectContaining({ bankCode: A(), status: 'DESIGNATED' })]);
    // The ledger was never closed: the trading system's order goes on.
    const withdrawal = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: m.fundAccountNo, amount: '5.00' });
    expect(withdrawal.body.status).toBe('SUCCEEDED');
  });

  it('F-3.6: the saga coordinator SIGKILLed between the banks’ steps resumes: the 11001 goes again under its serial, the change completes once, and meanwhile the fund account takes no transfer and no other change (RELATIONSHIP_CHANGING)', async () => {
    const m = await movable('75.00');
    // The new bank opens the custody account but its answer is lost: the saga waits for it, then asks again.
    await ctx.banks[B()].injectFault({ kind: 'DROP_REPLY', instrCd: '11001', times: 1 });
    const body = bankChange(m);

    const pending = await change(body, 500);
    expect(pending).toMatchObject({ status: 202, body: { status: 'PENDING' } });
    await ctx.eventually(() => transactionsAt(B(), m.fundAccountNo, '11001'), (ts) => ts.length === 1);
    const during = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: m.fundAccountNo, amount: '1.00', bankPassword: m.bankPassword });
    expect(during.body.code).toBe('RELATIONSHIP_CHANGING');
    // Nor does any other change of the relationship start meanwhile: a freeze (account), a cancellation (the ledger).
    const freeze = await ctx.api.call('POST', '/v1/custody/status-changes?waitMs=1000', { requestId: randomUUID(), fundAccountNo: m.fundAccountNo, accountStatus: 'FROZEN' }, 'operator');
    expect(freeze).toMatchObject({ status: 409, body: { code: 'RELATIONSHIP_CHANGING' } });
    const cancellation = await ctx.api.call('POST', '/v1/custody/cancellations?waitMs=5000', { requestId: randomUUID(), fundAccountNo: m.fundAccountNo, currency: 'CNY' });
    expect(cancellation.body).toMatchObject({ code: 'RELATIONSHIP_CHANGING' });

    await ctx.stack.kill('saga');
    await ctx.stack.restart('saga');

    const moved = await ctx.eventually(() => change(body, 5_000), (r) => r.status !== 202, 90_000);
    expect(moved).toMatchObject({ status: 201, body: { bankCode: B(), status: 'DESIGNATED' } });
    const opened = await transactionsAt(B(), m.fundAccountNo, '11001');
    expect(opened).toHaveLength(1);
    expect(await transactionsAt(A(), m.fundAccountNo, '11004')).toHaveLength(1);
    expect(await ctx.banks[B()].custodyAccount(m.fundAccountNo)).toMatchObject({ balance: '75.00', status: 'NORMAL' });
    expect(await ctx.balances(m.fundAccountNo)).toMatchObject({ balance: '75.00' });
  });
});
