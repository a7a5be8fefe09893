import { randomUUID } from 'node:crypto';
import { uniqueDigits } from '@custody/testing';
import { TestContext } from './support/test-context';

/**
 * F-3.2 B (issue 10): a pre-designation (F-3.1, 11002 from the broker) is confirmed by the customer at the bank's
 * counter — the bank starts 11003 with the customer's bank account, the broker checks the customer and links the
 * relationship (DESIGNATED, transfers open) before its 0000 reaches the bank. A refusal changes nothing.
 */
jest.setTimeout(90_000);

const ctx = new TestContext();
const bankCode = () => ctx.bankCodes[0];
const bank = () => ctx.banks[bankCode()];

interface FundAccountView {
  relationships: Array<{ bankCode: string; bankAccountNo?: string; custodyAccountNo?: string; status: string }>;
}

/** A customer's fund account pre-designated at the bank, and a bank account at that bank held by `holderName`. */
async function preDesignated(holderName?: string) {
  const customer = await ctx.newCustomer();
  const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
  const opened = await ctx.api.call<{ status: string }>('POST', '/v1/custody/pre-designations?waitMs=15000', { requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode: bankCode() });
  expect(opened).toMatchObject({ status: 201, body: { status: 'PRE_DESIGNATED' } });
  // Opened after the pre-designation: a holder of the same ID document under another name would have made the bank
  // refuse the 11002 itself (1012).
  const bankAccountNo = `62${uniqueDigits(17)}`;
  await bank().openBankAccount({ bankAccountNo, name: holderName ?? customer.name, idType: customer.idType, idNumber: customer.idNumber, password: '135790', balance: '5000.00' });
  return { fundAccountNo, bankAccountNo };
}

async function relationshipOf(fundAccountNo: string) {
  return (await ctx.api.call<FundAccountView>('GET', `/v1/fund-accounts/${fundAccountNo}`)).body.relationships[0];
}

describe('F-3.2 B: the bank confirms a pre-designation (11003)', () => {
  it('F-3.2: the customer confirms at the counter: 0000, the relationship is DESIGNATED with the bank account, and transfers go through', async () => {
    const { fundAccountNo, bankAccountNo } = await preDesignated();
    expect(await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo, amount: '10.00' })).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_NOT_ACTIVE' } });

    const confirmed = await bank().startConfirmation({ bankAccountNo, fundAccountNo });
    expect(confirmed.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    // The ledger was linked before the bank read the 0000: a deposit the bank starts at once is taken.
    expect((await bank().startDeposit({ bankAccountNo, fundAccountNo, amount: '100.00' })).body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });
    expect(await relationshipOf(fundAccountNo)).toMatchObject({ bankCode: bankCode(), bankAccountNo, status: 'DESIGNATED' });
    expect(await bank().custodyAccount(fundAccountNo)).toMatchObject({ bankAccountNo, status: 'NORMAL' });

    const transfer = await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo, amount: '50.00' });
    expect(transfer).toMatchObject({ status: 201, body: { status: 'SUCCEEDED' } });
    expect(await bank().bankBalance(bankAccountNo)).toBe('4950.00');
  });

  it("profile §4.1: a name other than our customer's is refused 2047 and the relationship stays PRE_DESIGNATED", async () => {
    const { fundAccountNo, bankAccountNo } = await preDesignated('李四');
    const refused = await bank().startConfirmation({ bankAccountNo, fundAccountNo });
    expect(refused.body).toMatchObject({ status: 'FAILED', returnCode: '2047' });
    expect(await relationshipOf(fundAccountNo)).toMatchObject({ status: 'PRE_DESIGNATED' });
    expect((await relationshipOf(fundAccountNo)).bankAccountNo).toBeUndefined();
    expect(await bank().custodyAccount(fundAccountNo)).toMatchObject({ status: 'PRE_DESIGNATED' });
    expect(await ctx.transfer({ type: 'SECURITIES_TO_BANK', fundAccountNo, amount: '10.00' })).toMatchObject({ status: 422, body: { code: 'RELATIONSHIP_NOT_ACTIVE' } });
  });
});
