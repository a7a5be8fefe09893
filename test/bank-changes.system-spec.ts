import { uniqueDigits } from '@custody/testing';
import { type Customer, TestContext } from './support/test-context';

/**
 * F-3.4 B and F-3.5 B (issue 10): the customer changes, at the bank's counter, the bank settlement account of a
 * relationship (11006) or their own data (11005). The broker checks the change against its own record, applies it
 * and answers; the bank applies it on the 0000 only. A refusal changes nothing on either side; the bank asking again
 * under its serial gets the first answer.
 */
jest.setTimeout(120_000);

const ctx = new TestContext();
const [A, B] = ctx.bankCodes;
const bankA = () => ctx.banks[A];

interface FundAccountView {
  relationships: Array<{ bankCode: string; bankAccountNo?: string; status: string }>;
}

interface CustomerView {
  name: string;
  idNumberMasked: string;
  phone?: string;
  address?: string;
  email?: string;
}

async function relationshipOf(fundAccountNo: string) {
  return (await ctx.api.call<FundAccountView>('GET', `/v1/fund-accounts/${fundAccountNo}`)).body.relationships[0];
}

async function customerView(customerNo: string) {
  return (await ctx.api.call<CustomerView>('GET', `/v1/customers/${customerNo}`)).body;
}

/** A customer designated at bank A with 500.00 in the ledger, and a second bank account of theirs at bank A holding 100.00. */
async function designatedWithSecondAccount() {
  const customer = await ctx.newCustomer();
  const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
  const d = await ctx.designate(customer, fundAccountNo, A, '10000.00');
  expect((await ctx.transfer({ type: 'BANK_TO_SECURITIES', fundAccountNo, amount: '500.00', bankPassword: d.bankPassword })).body).toMatchObject({ status: 'SUCCEEDED' });
  const newBankAccountNo = `62${uniqueDigits(17)}`;
  await bankA().openBankAccount({ bankAccountNo: newBankAccountNo, name: customer.name, idType: customer.idType, idNumber: customer.idNumber, password: '246810', balance: '100.00' });
  return { customer, d, newBankAccountNo };
}

/** `PUT /v1/customers/{no}` at the broker, whose record the bank does not know yet (11005 S is still to come). */
async function changedAtBroker(customer: Customer, fields: Partial<Customer>) {
  const result = await ctx.api.call('PUT', `/v1/customers/${customer.customerNo}`, { name: customer.name, type: 'INDIVIDUAL', idType: customer.idType, idNumber: customer.idNumber, ...fields });
  expect(result.status).toBe(200);
}

describe('F-3.4 B: the bank changes the bank settlement account (11006)', () => {
  it('F-3.4: 0000, the relationship holds the new account at both sides, and a withdrawal right after pays into it; the bank asking again gets 0000 and nothing changes twice', async () => {
    const { d, newBankAccountNo } = await designatedWithSecondAccount();

    const change = await bankA().startBankAccountChange({ fundAccountNo: d.fundAccountNo, bankAccountNo: d.bankAccountNo, newBankAccountNo });
    expect(change.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    // The ledger took the new account before the bank read the 0000: the very next withdrawal pays into it.
    expect((await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '30.00' })).body).toMatchObject({ status: 'SUCCEEDED' });
    expect(await bankA().bankBalance(newBankAccountNo)).toBe('130.00');
    expect(await bankA().bankBalance(d.bankAccountNo)).toBe('9500.00');
    expect(await relationshipOf(d.fundAccountNo)).toMatchObject({ bankCode: A, bankAccountNo: newBankAccountNo, status: 'DESIGNATED' });
    expect(await bankA().custodyAccount(d.fundAccountNo)).toMatchObject({ bankAccountNo: newBankAccountNo, balance: '470.00' });
    // The bank's own transfers follow it too: a deposit from the new account is taken.
    expect((await bankA().startDeposit({ bankAccountNo: newBankAccountNo, fundAccountNo: d.fundAccountNo, amount: '20.00' })).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    expect(await ctx.balances(d.fundAccountNo)).toMatchObject({ balance: '490.00' });

    const again = await bankA().resendAccountFunction('bank-account-changes', change.body.serialNo);
    expect(again.body).toMatchObject({ serialNo: change.body.serialNo, status: 'SUCCEEDED', returnCode: '0000' });
    expect(await relationshipOf(d.fundAccountNo)).toMatchObject({ bankAccountNo: newBankAccountNo });
  });

  it("profile §4.1, F-3.4: the new account's holder by another name than the broker's is 2047, by another ID number 2009; a frozen relationship 2010 — each changing nothing, and a repeat is answered the same", async () => {
    const { customer, d, newBankAccountNo } = await designatedWithSecondAccount();
    const unchanged = async () => {
      expect(await relationshipOf(d.fundAccountNo)).toMatchObject({ bankAccountNo: d.bankAccountNo });
      expect(await bankA().custodyAccount(d.fundAccountNo)).toMatchObject({ bankAccountNo: d.bankAccountNo });
    };
    const attempt = () => bankA().startBankAccountChange({ fundAccountNo: d.fundAccountNo, bankAccountNo: d.bankAccountNo, newBankAccountNo });

    // The broker's record changed since the bank opened the accounts: the holder the bank names is not its customer.
    await changedAtBroker(customer, { name: '张三丰' });
    const byName = await attempt();
    expect(byName.body).toMatchObject({ status: 'FAILED', returnCode: '2047' });
    await unchanged();
    expect((await bankA().resendAccountFunction('bank-account-changes', byName.body.serialNo)).body).toMatchObject({ returnCode: '2047' });

    await changedAtBroker(customer, { idNumber: `1101011990${uniqueDigits(8)}` });
    expect((await attempt()).body).toMatchObject({ status: 'FAILED', returnCode: '2009' });
    await unchanged();

    await changedAtBroker(customer, {});
    expect((await bankA().startStatusChange({ fundAccountNo: d.fundAccountNo, accountState: 'FROZEN' })).body).toMatchObject({ returnCode: '0000' });
    expect((await attempt()).body).toMatchObject({ status: 'FAILED', returnCode: '2010' });
    await unchanged();

    // The withdrawal after all of it still pays into the old account.
    expect((await bankA().startStatusChange({ fundAccountNo: d.fundAccountNo, accountState: 'NORMAL' })).body).toMatchObject({ returnCode: '0000' });
    expect((await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo: d.fundAccountNo, amount: '30.00' })).body).toMatchObject({ status: 'SUCCEEDED' });
    expect(await bankA().bankBalance(d.bankAccountNo)).toBe('9530.00');
    expect(await bankA().bankBalance(newBankAccountNo)).toBe('100.00');
  });
});

describe('F-3.5 B: the bank changes the customer data (11005)', () => {
  it("F-3.5: 0000, GET /v1/customers/{no} shows the new name and contact data, the bank's record too; the bank asking again gets 0000", async () => {
    const customer = await ctx.newCustomer();
    const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
    const d = await ctx.designate(customer, fundAccountNo, A);
    // A fund account at another bank: the broker tells that bank (customer.data-changed, for the broker's own 11005).
    await ctx.designate(customer, await ctx.newFundAccount(customer.customerNo, 'AUXILIARY'), B);

    const change = await bankA().startCustomerDataChange({ fundAccountNo, name: '张三丰', mobile: '13900000000', address: '北京市西城区金融大街1号' });
    expect(change.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    expect(await customerView(customer.customerNo)).toMatchObject({ name: '张三丰', phone: '13900000000', address: '北京市西城区金融大街1号', idNumberMasked: `************${customer.idNumber.slice(-4)}` });
    expect(await bankA().bankAccount(d.bankAccountNo)).toMatchObject({ name: '张三丰', mobile: '13900000000' });

    const again = await bankA().resendAccountFunction('customer-data-changes', change.body.serialNo);
    expect(again.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    expect(await customerView(customer.customerNo)).toMatchObject({ name: '张三丰' });
  });

  it("profile §4.1 (the broker's record prevails): a new ID number from the bank is refused 2009, and neither the broker's record nor the bank's changes", async () => {
    const customer = await ctx.newCustomer();
    const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
    const d = await ctx.designate(customer, fundAccountNo, A);

    const refused = await bankA().startCustomerDataChange({ fundAccountNo, name: '张三丰', idNumber: `1101011990${uniqueDigits(8)}` });
    expect(refused.body).toMatchObject({ status: 'FAILED', returnCode: '2009' });
    const shown = await customerView(customer.customerNo);
    expect(shown).toMatchObject({ name: customer.name, idNumberMasked: `************${customer.idNumber.slice(-4)}` });
    expect(shown.phone).toBeUndefined();
    expect(await bankA().bankAccount(d.bankAccountNo)).toMatchObject({ name: customer.name });
    expect((await bankA().resendAccountFunction('customer-data-changes', refused.body.serialNo)).body).toMatchObject({ returnCode: '2009' });
  });
});
