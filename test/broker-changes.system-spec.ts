import { randomUUID } from 'node:crypto';
import { uniqueDigits } from '@custody/testing';
import { closeTheDay } from './fault-run/day-close';
import { DayControl } from './support/day-control';
import { type Customer, TestContext } from './support/test-context';

/**
 * The broker's changes at its banks on existing relationships (issue 10), through the public API and the simulated
 * banks: F-3.4 S, a relationship's bank settlement account replaced (11006, bank-protocol.md §4.1), and F-3.5 S, a
 * customer's data changed at the broker and sent to every bank holding a relationship of the customer (11005,
 * domain.md §13) — with the refusals of both sides, and the day's reconciliation of both functions.
 */
jest.setTimeout(300_000);

const ctx = new TestContext();
const day = new DayControl(ctx);
const [A, B] = ctx.bankCodes;
const PASSWORD = '135790';

interface Problem {
  code?: string;
  detail?: string;
  field?: string;
  bankCode?: string;
  bankReturnCode?: string;
}

interface Relationship {
  fundAccountNo: string;
  currency: string;
  bankCode: string;
  bankAccountNo?: string;
  custodyAccountNo?: string;
  status: string;
}

interface Propagation {
  fundAccountNo: string;
  bankCode: string;
  status: string;
  failure?: { code: string; bankReturnCode?: string };
}

const changeBankAccount = (body: Record<string, unknown>) =>
  ctx.api.call<Relationship & Problem>('POST', '/v1/custody/bank-account-changes?waitMs=15000', { requestId: randomUUID(), currency: 'CNY', ...body });

const putCustomer = (customerNo: string, body: Record<string, unknown>) => ctx.api.call<{ name: string; propagation: Propagation[] }>('PUT', `/v1/customers/${customerNo}`, body);

/** A bank account of `holder` at `bank` that no relationship links yet. */
async function bankAccountOf(holder: Pick<Customer, 'name' | 'idType' | 'idNumber'>, bank: string, balance = '3000.00'): Promise<string> {
  const bankAccountNo = `62${uniqueDigits(17)}`;
  await ctx.banks[bank].openBankAccount({ bankAccountNo, name: holder.name, idType: holder.idType, idNumber: holder.idNumber, password: PASSWORD, balance });
  return bankAccountNo;
}

/** A customer whose primary fund account is designated at `bank` with a bank account holding 5000.00. */
async function designatedCustomer(bank = A) {
  const customer = await ctx.newCustomer();
  const designated = await ctx.designate(customer, await ctx.newFundAccount(customer.customerNo), bank, '5000.00');
  return { customer, designated };
}

/** The 11006s the bank has a record of for the fund account (refused ones included). */
async function changesAtBank(bank: string, fundAccountNo: string) {
  return (await ctx.banks[bank].books()).transactions.filter((t) => t.instrCd === '11006' && t.fundAccountNo === fundAccountNo);
}

async function linkedAtBroker(fundAccountNo: string): Promise<string | undefined> {
  const account = await ctx.api.call<{ relationships: Relationship[] }>('GET', `/v1/fund-accounts/${fundAccountNo}`);
  return account.body.relationships.find((r) => r.status === 'DESIGNATED')?.bankAccountNo;
}

async function settledPropagation(customerNo: string, count: number): Promise<Propagation[]> {
  const read = () => ctx.api.call<{ propagation: Propagation[] }>('GET', `/v1/customers/${customerNo}`);
  const settled = await ctx.eventually(read, (r) => r.body.propagation.length === count && r.body.propagation.every((p) => p.status !== 'PENDING'), 30_000);
  return settled.body.propagation;
}

describe('F-3.4 S: the broker changes a relationship’s bank settlement account (11006)', () => {
  it('profile §4.1: the bank replaces it; a transfer right after the answer goes to the new account at the bank; a repeat gets the first answer', async () => {
    const { customer, designated } = await designatedCustomer();
    const newAccount = await bankAccountOf(customer, A, '3000.00');
    const body = { requestId: randomUUID(), currency: 'CNY', fundAccountNo: designated.fundAccountNo, oldBankAccountNo: designated.bankAccountNo, newBankAccountNo: newAccount, bankPassword: PASSWORD };

    const changed = await ctx.api.call<Relationship>('POST', '/v1/custody/bank-account-changes?waitMs=15000', body);
    expect(changed.status).toBe(201);
    expect(changed.body).toEqual({ fundAccountNo: designated.fundAccountNo, currency: 'CNY', bankCode: A, bankAccountNo: newAccount, custodyAccountNo: designated.custodyAccountNo, status: 'DESIGNATED' });
    expect((await ctx.banks[A].custodyAccount(designated.fundAccountNo)).bankAccountNo).toBe(newAccount);

    const deposit = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: designated.fundAccountNo, amount: '100.00', bankPassword: PASSWORD });
    expect(deposit.body.status).toBe('SUCCEEDED');
    expect(await ctx.banks[A].bankBalance(newAccount)).toBe('2900.00');
    expect(await ctx.banks[A].bankBalance(designated.bankAccountNo)).toBe('5000.00');
    const withdrawal = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: designated.fundAccountNo, amount: '40.00' });
    expect(withdrawal.body.status).toBe('SUCCEEDED');
    expect(await ctx.banks[A].bankBalance(newAccount)).toBe('2940.00');
    expect(await linkedAtBroker(designated.fundAccountNo)).toBe(newAccount);

    const repeat = await ctx.api.call<Relationship>('POST', '/v1/custody/bank-account-changes?waitMs=15000', body);
    expect(repeat).toMatchObject({ status: 201, body: changed.body });
    expect(await changesAtBank(A, designated.fundAccountNo)).toHaveLength(1);
  });

  it('refused before anything is sent — an old account that is not the linked one, the same account twice, a pre-designated or a frozen relationship, bad input — nothing changes at either side', async () => {
    const { customer, designated } = await designatedCustomer();
    const newAccount = await bankAccountOf(customer, A);
    const asked = { fundAccountNo: designated.fundAccountNo, oldBankAccountNo: designated.bankAccountNo, newBankAccountNo: newAccount };

    const notLinked = await changeBankAccount({ ...asked, oldBankAccountNo: newAccount, newBankAccountNo: designated.bankAccountNo });
    expect(notLinked).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field: 'oldBankAccountNo' } });
    expect(notLinked.contentType).toContain('application/problem+json');
    expect(await changeBankAccount({ ...asked, newBankAccountNo: designated.bankAccountNo })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', field: 'newBankAccountNo' } });
    expect(await changeBankAccount({ ...asked, newBankAccountNo: 'not-digits' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await changeBankAccount({ ...asked, bankPassword: 'abc' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(await changeBankAccount({ ...asked, fundAccountNo: '99999999999999' })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });

    const other = await ctx.newCustomer();
    const preDesignated = await ctx.newFundAccount(other.customerNo);
    const pre = await ctx.api.call<{ status: string }>('POST', '/v1/custody/pre-designations?waitMs=15000', { requestId: randomUUID(), fundAccountNo: preDesignated, currency: 'CNY', bankCode: A });
    expect(pre.body.status).toBe('PRE_DESIGNATED');
    expect(await changeBankAccount({ ...asked, fundAccountNo: preDesignated })).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_NOT_ACTIVE' } });

    expect((await ctx.banks[A].startStatusChange({ fundAccountNo: designated.fundAccountNo, accountState: 'FROZEN' })).body).toMatchObject({ returnCode: '0000' });
    expect(await changeBankAccount(asked)).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_FROZEN' } });
    expect((await ctx.banks[A].startStatusChange({ fundAccountNo: designated.fundAccountNo, accountState: 'NORMAL' })).body).toMatchObject({ returnCode: '0000' });

    expect(await changesAtBank(A, designated.fundAccountNo)).toEqual([]);
    expect(await linkedAtBroker(designated.fundAccountNo)).toBe(designated.bankAccountNo);
    expect((await ctx.banks[A].custodyAccount(designated.fundAccountNo)).bankAccountNo).toBe(designated.bankAccountNo);
  });

  it('the bank’s refusals are BANK_REJECTED with its code — 5016 another person’s account, 1014 an account it does not have, 1001 a wrong bank password — and nothing changes; a transfer still pays the old account', async () => {
    const { customer, designated } = await designatedCustomer();
    const asked = { fundAccountNo: designated.fundAccountNo, oldBankAccountNo: designated.bankAccountNo };
    const someoneElses = await bankAccountOf({ name: '李四', idType: '10', idNumber: `1101011985${uniqueDigits(8)}` }, A);
    const own = await bankAccountOf(customer, A);

    for (const [refused, code] of [
      [{ ...asked, newBankAccountNo: someoneElses }, '5016'],
      [{ ...asked, newBankAccountNo: `62${uniqueDigits(17)}` }, '1014'],
      [{ ...asked, newBankAccountNo: own, bankPassword: '999999' }, '1001'],
    ] as const) {
      const answer = await changeBankAccount(refused);
      expect({ code, answer: answer.body }).toEqual({ code, answer: expect.objectContaining({ code: 'BANK_REJECTED', bankCode: A, bankReturnCode: code }) });
      expect(answer.status).toBe(422);
    }
    expect(await linkedAtBroker(designated.fundAccountNo)).toBe(designated.bankAccountNo);
    expect((await ctx.banks[A].custodyAccount(designated.fundAccountNo)).bankAccountNo).toBe(designated.bankAccountNo);
    const deposit = await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo: designated.fundAccountNo, amount: '10.00', bankPassword: PASSWORD });
    expect(deposit.body.status).toBe('SUCCEEDED');
    expect(await ctx.banks[A].bankBalance(designated.bankAccountNo)).toBe('4990.00');
  });
});

describe('F-3.5 S: a change of the customer goes to every bank holding a relationship (11005, §13)', () => {
  /** A customer with a primary fund account at bank A and an auxiliary one at bank B (test/multi-bank.system-spec.ts). */
  async function customerAtTwoBanks() {
    const customer = await ctx.newCustomer('周八');
    const primary = await ctx.designate(customer, await ctx.newFundAccount(customer.customerNo, 'PRIMARY'), A);
    const auxiliary = await ctx.designate(customer, await ctx.newFundAccount(customer.customerNo, 'AUXILIARY'), B);
    return { customer, primary, auxiliary };
  }

  it('the broker’s record changes at once and both banks’ records follow: name and contact data, then the ID document', async () => {
    const { customer, primary, auxiliary } = await customerAtTwoBanks();
    const changed = { name: '周八一', type: 'INDIVIDUAL', idType: '10', idNumber: customer.idNumber, phone: '13800000000', address: '北京市西城区金融街 1 号' };
    const put = await putCustomer(customer.customerNo, changed);
    expect(put.status).toBe(200);
    expect(put.body.name).toBe('周八一');

    expect(await settledPropagation(customer.customerNo, 2)).toEqual([
      expect.objectContaining({ bankCode: A, fundAccountNo: primary.fundAccountNo, status: 'SUCCEEDED' }),
      expect.objectContaining({ bankCode: B, fundAccountNo: auxiliary.fundAccountNo, status: 'SUCCEEDED' }),
    ]);
    for (const { bankCode, bankAccountNo } of [primary, auxiliary]) {
      expect(await ctx.banks[bankCode].bankAccount(bankAccountNo)).toMatchObject({ name: '周八一', mobile: '13800000000', address: '北京市西城区金融街 1 号', idNumberMasked: `************${customer.idNumber.slice(-4)}` });
    }

    const newIdNumber = `1101011991${uniqueDigits(8)}`;
    expect((await putCustomer(customer.customerNo, { ...changed, idNumber: newIdNumber })).status).toBe(200);
    for (const { bankCode, bankAccountNo } of [primary, auxiliary]) {
      expect(await ctx.eventually(() => ctx.banks[bankCode].bankAccount(bankAccountNo), (a) => a.idNumberMasked.endsWith(newIdNumber.slice(-4)))).toMatchObject({
        name: '周八一',
        idNumberMasked: `************${newIdNumber.slice(-4)}`,
      });
    }
  });

  it('a bank that refuses (5219: its custody account is reported lost) is shown FAILED with its code and keeps its data; once the loss is lifted, a PUT of the same data sends it again', async () => {
    const { customer, primary, auxiliary } = await customerAtTwoBanks();
    expect((await ctx.banks[B].startStatusChange({ fundAccountNo: auxiliary.fundAccountNo, accountState: 'LOST' })).body).toMatchObject({ returnCode: '0000' });
    const changed = { name: '周八二', type: 'INDIVIDUAL', idType: customer.idType, idNumber: customer.idNumber };
    expect((await putCustomer(customer.customerNo, changed)).status).toBe(200);

    expect(await settledPropagation(customer.customerNo, 2)).toEqual([
      expect.objectContaining({ bankCode: A, status: 'SUCCEEDED' }),
      expect.objectContaining({ bankCode: B, fundAccountNo: auxiliary.fundAccountNo, status: 'FAILED', failure: expect.objectContaining({ code: 'BANK_REJECTED', bankReturnCode: '5219' }) }),
    ]);
    expect((await ctx.api.call<{ name: string }>('GET', `/v1/customers/${customer.customerNo}`)).body.name).toBe('周八二');
    expect((await ctx.banks[A].bankAccount(primary.bankAccountNo)).name).toBe('周八二');
    expect((await ctx.banks[B].bankAccount(auxiliary.bankAccountNo)).name).toBe('周八');

    expect((await ctx.banks[B].startStatusChange({ fundAccountNo: auxiliary.fundAccountNo, accountState: 'NORMAL' })).body).toMatchObject({ returnCode: '0000' });
    expect((await putCustomer(customer.customerNo, changed)).status).toBe(200);
    const again = await ctx.eventually(
      () => ctx.api.call<{ propagation: Propagation[] }>('GET', `/v1/customers/${customer.customerNo}`),
      (r) => r.body.propagation.every((p) => p.status === 'SUCCEEDED'),
      30_000,
    );
    expect(again.body.propagation.map((p) => [p.bankCode, p.status])).toEqual([
      [A, 'SUCCEEDED'],
      [B, 'SUCCEEDED'],
    ]);
    expect((await ctx.banks[B].bankAccount(auxiliary.bankAccountNo)).name).toBe('周八二');
  });
});

describe('bank-protocol.md §5: the day of the broker’s changes', () => {
  it('both sides list the 11006 (CHK02 and CHK03 with the new account, 金额 0) and the 11005 (CHK03 at each bank): the day reconciles with no break', async () => {
    // What the cases above did is on the current date, with its own records; that date is closed first, so D holds
    // only what this case does.
    await day.open();
    expect((await closeTheDay(ctx, new Set(), 180_000, () => undefined)).nextBusinessDate).not.toBeNull();
    const D = await day.open();

    const { customer, designated } = await designatedCustomer(A);
    const auxiliary = await ctx.designate(customer, await ctx.newFundAccount(customer.customerNo, 'AUXILIARY'), B);
    const newAccount = await bankAccountOf(customer, A);
    expect((await changeBankAccount({ fundAccountNo: designated.fundAccountNo, oldBankAccountNo: designated.bankAccountNo, newBankAccountNo: newAccount })).status).toBe(201);
    expect((await putCustomer(customer.customerNo, { name: '吴九', type: 'INDIVIDUAL', idType: customer.idType, idNumber: customer.idNumber, email: 'wu@example.com' })).status).toBe(200);
    expect((await settledPropagation(customer.customerNo, 2)).map((p) => p.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(auxiliary.bankCode).toBe(B);

    expect((await day.close(D)).status).toBe(202);
    // With no break at either bank the date switches on its own.
    const switched = await ctx.eventually(() => day.day(), (d) => d.businessDate !== D, 180_000);
    expect(switched.businessDate > D).toBe(true);
    for (const bank of [A, B]) expect((await day.reconciliation(D, bank)).breaks).toEqual([]);

    // What was compared: each side's CHK02 and CHK03 of D at bank A (the 11006 with the new account, the 11005) and B.
    const ymd = D.replaceAll('-', '');
    const change = { initiator: 'S', functionCode: '11006', fundAccountNo: designated.fundAccountNo, bankAccountNo: newAccount, amount: '0.00' };
    const dataAtA = { initiator: 'S', functionCode: '11005', fundAccountNo: designated.fundAccountNo, bankAccountNo: newAccount, amount: '0.00' };
    const dataAtB = { initiator: 'S', functionCode: '11005', fundAccountNo: auxiliary.fundAccountNo, bankAccountNo: auxiliary.bankAccountNo, amount: '0.00' };
    for (const side of ['S', 'B']) {
      expect(await ctx.banks[A].dayFile(`${side}_CHK03_${ymd}.gz`)).toEqual(expect.arrayContaining([expect.objectContaining(change), expect.objectContaining(dataAtA)]));
      expect(await ctx.banks[A].dayFile(`${side}_CHK02_${ymd}.gz`)).toEqual(expect.arrayContaining([expect.objectContaining({ fundAccountNo: designated.fundAccountNo, bankAccountNo: newAccount, status: '0' })]));
      expect(await ctx.banks[B].dayFile(`${side}_CHK03_${ymd}.gz`)).toEqual(expect.arrayContaining([expect.objectContaining(dataAtB)]));
    }
    await day.open();
  });
});
