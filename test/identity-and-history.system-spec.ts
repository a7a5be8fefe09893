import { randomUUID } from 'node:crypto';
import { uniqueDigits } from '@custody/testing';
import { TestContext } from './support/test-context';

/**
 * Issue 10: every relationship change is journaled — who, when, which serial, from which side — and
 * `GET /v1/fund-accounts/{no}` shows it as each relationship's history, beside the broker's requests the bank refused.
 * F-3.11 B: the bank asks whether the customer it identified at its counter is ours (11007); the broker answers and
 * changes nothing.
 */
jest.setTimeout(120_000);

const ctx = new TestContext();
const bankCode = () => ctx.bankCodes[0];
const bank = () => ctx.banks[bankCode()];
/** The principal a role token of the stack names (subject@issuer), read from its claims as the services verify them. */
function principalOf(role: 'trading' | 'operator'): string {
  const claims = JSON.parse(Buffer.from(ctx.info.tokens[role].split('.')[1], 'base64url').toString()) as { sub: string; iss: string };
  return `${claims.sub}@${claims.iss}`;
}
const TRADER = principalOf('trading');
const OPERATOR = principalOf('operator');

interface HistoryEntry {
  at: string;
  status: string;
  accountStatus?: string;
  function: string;
  initiator: string;
  serialNo: string;
  counterpartSerialNo?: string;
  by?: string;
  businessDate: string;
}

interface FundAccountView {
  relationships: Array<{ bankCode: string; bankAccountNo?: string; status: string; accountStatus: string; history: HistoryEntry[] }>;
  failedRequests: Array<Omit<HistoryEntry, 'status' | 'accountStatus'> & { bankCode: string; currency: string; failure: { code: string; bankReturnCode?: string } }>;
}

async function fundAccount(fundAccountNo: string) {
  const result = await ctx.api.call<FundAccountView>('GET', `/v1/fund-accounts/${fundAccountNo}`, undefined, 'auditor');
  expect(result.status).toBe(200);
  return result.body;
}

describe('issue 10: a relationship history from the journal', () => {
  it('a refused designation, a designation and a freeze: GET shows the refused request apart, then 11001 S and 11011 B in order with side, serial and who', async () => {
    const customer = await ctx.newCustomer();
    const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
    const bankAccountNo = `62${uniqueDigits(17)}`;
    await bank().openBankAccount({ bankAccountNo, name: customer.name, idType: customer.idType, idNumber: customer.idNumber, password: '135790', balance: '100.00' });
    const refused = await ctx.api.call(
      'POST',
      '/v1/custody/designations?waitMs=15000',
      { requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode: bankCode(), bankAccountNo, bankPassword: '000000' },
      'operator',
    );
    expect(refused).toMatchObject({ status: 422, body: { code: 'BANK_REJECTED', bankReturnCode: '1001' } });

    const d = await ctx.designate(customer, fundAccountNo, bankCode());
    const frozen = await bank().startStatusChange({ fundAccountNo, accountState: 'FROZEN' });
    expect(frozen.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });

    const account = await fundAccount(fundAccountNo);
    expect(account.relationships).toHaveLength(1);
    const [relationship] = account.relationships;
    expect(relationship).toMatchObject({ bankCode: bankCode(), bankAccountNo: d.bankAccountNo, status: 'DESIGNATED', accountStatus: 'FROZEN' });
    const [designation, freeze] = relationship.history;
    expect(relationship.history).toHaveLength(2);
    expect(designation).toMatchObject({ function: '11001', initiator: 'S', status: 'DESIGNATED', accountStatus: 'NORMAL', by: TRADER });
    expect(freeze).toMatchObject({ function: '11011', initiator: 'B', serialNo: frozen.body.serialNo, status: 'DESIGNATED', accountStatus: 'FROZEN', by: `bank:${bankCode()}` });
    expect(Date.parse(designation.at)).toBeLessThanOrEqual(Date.parse(freeze.at));
    // Our serial of the 11001 is the one the bank booked it under, and the bank's own serial of it stands beside it.
    expect((await bank().transaction(designation.serialNo)).body).toMatchObject({ instrCd: '11001', status: 'SUCCEEDED', bankSerialNo: designation.counterpartSerialNo });

    expect(account.failedRequests).toEqual([
      expect.objectContaining({ function: '11001', initiator: 'S', by: OPERATOR, bankCode: bankCode(), currency: 'CNY', failure: expect.objectContaining({ code: 'BANK_REJECTED', bankReturnCode: '1001' }) }),
    ]);
    expect((await bank().transaction(account.failedRequests[0].serialNo)).body).toMatchObject({ instrCd: '11001', status: 'FAILED', returnCode: '1001' });
  });

  it('11002 S and 11003 B: a pre-designation shows who asked for it, and its confirmation the bank', async () => {
    const customer = await ctx.newCustomer();
    const fundAccountNo = await ctx.newFundAccount(customer.customerNo);
    const bankAccountNo = `62${uniqueDigits(17)}`;
    await bank().openBankAccount({ bankAccountNo, name: customer.name, idType: customer.idType, idNumber: customer.idNumber, password: '135790', balance: '100.00' });
    const opened = await ctx.api.call('POST', '/v1/custody/pre-designations?waitMs=15000', { requestId: randomUUID(), fundAccountNo, currency: 'CNY', bankCode: bankCode() }, 'operator');
    expect(opened).toMatchObject({ status: 201, body: { status: 'PRE_DESIGNATED' } });
    const confirmed = await bank().startConfirmation({ bankAccountNo, fundAccountNo });
    expect(confirmed.body).toMatchObject({ status: 'SUCCEEDED', returnCode: '0000' });

    const { relationships, failedRequests } = await fundAccount(fundAccountNo);
    expect(failedRequests).toEqual([]);
    expect(relationships[0].history.map((entry) => [entry.function, entry.initiator, entry.status, entry.by])).toEqual([
      ['11002', 'S', 'PRE_DESIGNATED', OPERATOR],
      ['11003', 'B', 'DESIGNATED', `bank:${bankCode()}`],
    ]);
    expect(relationships[0].history[1].serialNo).toBe(confirmed.body.serialNo);
  });
});

describe('F-3.11 B: the bank checks a customer identity (11007)', () => {
  it('F-3.11: our customer as we hold them is answered 0000, with or without the fund password; each mismatch with its code (2047, 2009, 2011, 2001); a repeat its first answer; nothing changes', async () => {
    const fundPassword = '246802';
    const customer = await ctx.newCustomer();
    const d = await ctx.designate(customer, await ctx.newFundAccount(customer.customerNo), bankCode());
    expect((await ctx.api.call('PUT', `/v1/customers/${customer.customerNo}/fund-password`, { password: fundPassword })).status).toBe(204);
    const identity = { fundAccountNo: d.fundAccountNo, name: customer.name, idType: customer.idType, idNumber: customer.idNumber };
    const before = { account: await fundAccount(d.fundAccountNo), balances: await ctx.balances(d.fundAccountNo), custody: await bank().custodyAccount(d.fundAccountNo) };

    const answers = [
      await bank().checkIdentity({ ...identity, bankAccountNo: d.bankAccountNo }),
      await bank().checkIdentity({ ...identity, fundPassword }),
      await bank().checkIdentity({ ...identity, name: '李四' }),
      await bank().checkIdentity({ ...identity, idNumber: `${identity.idNumber.slice(0, -1)}${identity.idNumber.endsWith('9') ? '8' : '9'}` }),
      await bank().checkIdentity({ ...identity, idType: '11' }),
      await bank().checkIdentity({ ...identity, fundAccountNo: '99999999999999' }),
      await bank().checkIdentity({ ...identity, fundPassword: '111111' }),
    ];
    expect(answers.map((answer) => [answer.status, answer.body.status, answer.body.returnCode])).toEqual([
      [200, 'ANSWERED', '0000'],
      [200, 'ANSWERED', '0000'],
      [200, 'ANSWERED', '2047'],
      [200, 'ANSWERED', '2009'],
      [200, 'ANSWERED', '2009'],
      [200, 'ANSWERED', '2011'],
      [200, 'ANSWERED', '2001'],
    ]);
    // A repeat under a serial already answered gets that answer again.
    expect((await bank().checkIdentity({ ...identity, name: '李四', serialNo: answers[2].body.serialNo })).body).toMatchObject({ returnCode: '2047' });

    expect({ account: await fundAccount(d.fundAccountNo), balances: await ctx.balances(d.fundAccountNo), custody: await bank().custodyAccount(d.fundAccountNo) }).toEqual(before);
  });
});
