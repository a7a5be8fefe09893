import { ClearPin, verifyPinBlock } from '@custody/bank-protocol';
import { BROKER_ID, fakeSecrets, PIN_KEY } from '../testing/bank-session.fake';
import type { BankCall } from './bank-call.types';
import { CallMappingError, callToMessage, prepareCall } from './call-to-message.mapper';
import { aBankCall } from '../testing/bank-call.fixture';
import { Money } from '@custody/money';

const CALL_ID = '6f9619ff-8b86-4011-b42d-00c04fc964ff';
const SERIAL = '20261121200000000001';

function call(overrides: Partial<BankCall>): BankCall {
  return aBankCall({ callId: CALL_ID, serialNo: SERIAL, ...overrides });
}

function message(c: BankCall) {
  return callToMessage(prepareCall(c, fakeSecrets), PIN_KEY, BROKER_ID);
}

describe('call → protocol message (bank-protocol.md §4)', () => {
  it('F-3.3 S: DESIGNATE is Acmt.001.01 11001 with the unsealed customer, the bank password as a PIN block and the opening balance as ScBal', () => {
    const draft = message(
      call({
        function: 'DESIGNATE',
        amount: undefined,
        bankPassword: fakeSecrets.seal('135790'),
        customer: { name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: fakeSecrets.seal('610103198001012435') },
        openingBalance: Money.parse('5000.00'),
      }),
    );
    expect(draft).toMatchObject({ name: 'Acmt.001.01', instrCd: '11001', serial: SERIAL });
    if (draft.name !== 'Acmt.001.01') throw new Error('expected Acmt.001.01');
    const body = draft.body;
    expect(body.Cust).toEqual({ Name: '张三', CertType: '10', CertId: '610103198001012435', Type: 'INVE' });
    expect(body.ScAcct).toEqual({ Id: '880001', Type: '3' });
    expect(body.Ccy).toBe('CNY');
    expect(body.ScBal?.Bal.toString()).toBe('5000.00');
    const pwd = body.BkAcct?.Pwd?.[0];
    expect(body.BkAcct).toMatchObject({ Id: '6222021234567890123', Type: '1' });
    expect(pwd).toMatchObject({ Type: '1', Enc: '02' });
    expect(verifyPinBlock(PIN_KEY, pwd?.Pwd ?? '', '6222021234567890123', ClearPin.of('135790'))).toBe(true);
    expect(JSON.stringify(draft)).not.toContain('135790');
  });

  it('F-3.1: PRE_DESIGNATE is Acmt.001.01 11002 with the customer, the fund account and the opening balance as ScBal, and no bank account (profile §4.1)', () => {
    const draft = message(
      call({
        function: 'PRE_DESIGNATE',
        amount: undefined,
        bankAccountNo: undefined,
        customer: { name: '李四', type: 'INDIVIDUAL', idType: '10', idNumber: fakeSecrets.seal('110101199003074517') },
        openingBalance: Money.parse('1200.50'),
      }),
    );
    expect(draft).toMatchObject({ name: 'Acmt.001.01', instrCd: '11002', serial: SERIAL });
    if (draft.name !== 'Acmt.001.01') throw new Error('expected Acmt.001.01');
    expect(draft.body.Cust).toEqual({ Name: '李四', CertType: '10', CertId: '110101199003074517', Type: 'INVE' });
    expect(draft.body.ScAcct).toEqual({ Id: '880001', Type: '3' });
    expect(draft.body.ScBal).toEqual({ Type: '0', Bal: Money.parse('1200.50') });
    expect(draft.body.BkAcct).toBeUndefined();
  });

  it('F-3.10 S: QUERY_BANK_BALANCE is Acmt.009.01 11009 with the bank password as a PIN block of Type 0 (查询, profile §4.1) in BkAcct', () => {
    const draft = message(call({ function: 'QUERY_BANK_BALANCE', amount: undefined, bankPassword: fakeSecrets.seal('135790') }));
    expect(draft).toMatchObject({ name: 'Acmt.009.01', instrCd: '11009', serial: SERIAL });
    if (draft.name !== 'Acmt.009.01') throw new Error('expected Acmt.009.01');
    expect(draft.body.ScAcct).toEqual({ Id: '880001', Type: '3' });
    expect(draft.body.Ccy).toBe('CNY');
    expect(draft.body.Cust).toBeUndefined();
    const pwd = draft.body.BkAcct?.Pwd?.[0];
    expect(draft.body.BkAcct).toMatchObject({ Id: '6222021234567890123', Type: '1' });
    expect(pwd).toMatchObject({ Type: '0', Enc: '02' });
    expect(verifyPinBlock(PIN_KEY, pwd?.Pwd ?? '', '6222021234567890123', ClearPin.of('135790'))).toBe(true);
    expect(JSON.stringify(draft)).not.toContain('135790');
  });

  it('F-3.10 S: a QUERY_BANK_BALANCE without the bank password is never sent (profile §4.1: required)', () => {
    expect(() => prepareCall(call({ function: 'QUERY_BANK_BALANCE', amount: undefined, bankPassword: undefined }), fakeSecrets)).toThrow(CallMappingError);
  });

  it('F-3.11 S: IDENTITY_CHECK is Acmt.009.01 11007 with the unsealed customer in Cust, both accounts and no password (§5.11.4 d, e)', () => {
    const draft = message(
      call({
        function: 'CHECK_IDENTITY',
        amount: undefined,
        customer: { name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: fakeSecrets.seal('610103198001012435') },
      }),
    );
    expect(draft).toMatchObject({ name: 'Acmt.009.01', instrCd: '11007', serial: SERIAL });
    if (draft.name !== 'Acmt.009.01') throw new Error('expected Acmt.009.01');
    expect(draft.body.Cust).toEqual({ Name: '张三', CertType: '10', CertId: '610103198001012435', Type: 'INVE' });
    expect(draft.body.BkAcct).toEqual({ Id: '6222021234567890123', Type: '1' });
    expect(draft.body.ScAcct).toEqual({ Id: '880001', Type: '3' });
    expect(draft.body.Ccy).toBe('CNY');
  });

  it('F-3.11 S: an IDENTITY_CHECK without the customer is never sent', () => {
    expect(() => prepareCall(call({ function: 'CHECK_IDENTITY', amount: undefined, customer: undefined }), fakeSecrets)).toThrow(CallMappingError);
  });

  it.each([
    ['FROZEN', '1'],
    ['LOST', '2'],
    ['NORMAL', '0'],
  ] as const)('11011 S: CHANGE_ACCOUNT_STATUS %s is Acmt.005.01 11011 with Status %s in our own ScAcct (profile §4.1) and the linked BkAcct, no currency', (accountStatus, wire) => {
    const draft = message(call({ function: 'CHANGE_ACCOUNT_STATUS', amount: undefined, accountStatus }));
    expect(draft).toMatchObject({ name: 'Acmt.005.01', instrCd: '11011', serial: SERIAL });
    if (draft.name !== 'Acmt.005.01') throw new Error('expected Acmt.005.01');
    expect(draft.body.ScAcct).toEqual({ Id: '880001', Type: '3', Status: wire });
    expect(draft.body.BkAcct).toEqual({ Id: '6222021234567890123', Type: '1' });
    expect(draft.body.Cust).toBeUndefined();
  });

  it('11011 S: a CHANGE_ACCOUNT_STATUS without the status is never sent', () => {
    expect(() => prepareCall(call({ function: 'CHANGE_ACCOUNT_STATUS', amount: undefined, accountStatus: undefined }), fakeSecrets)).toThrow(CallMappingError);
  });

  it('F-4.2 S: SECURITIES_TO_BANK is Trf.001.01 12002 under the saga serial, with amount and accounts and no password when none is given', () => {
    const draft = message(call({}));
    expect(draft).toMatchObject({ name: 'Trf.001.01', instrCd: '12002', serial: SERIAL });
    if (draft.name !== 'Trf.001.01') throw new Error('expected Trf.001.01');
    expect(draft.body.TrfAmt.toString()).toBe('300.00');
    expect(draft.body.BkAcct).toEqual({ Id: '6222021234567890123', Type: '1' });
    expect(draft.body.ScAcct).toEqual({ Id: '880001', Type: '3' });
    expect(draft.body.Resend).toBeUndefined();
  });

  it('F-4.1 S: BANK_TO_SECURITIES is 12001 with the bank password as a PIN block under the session PIN key', () => {
    const draft = message(call({ function: 'BANK_TO_SECURITIES', amount: Money.parse('1000.5'), bankPassword: fakeSecrets.seal('246810') }));
    expect(draft).toMatchObject({ name: 'Trf.001.01', instrCd: '12001' });
    if (draft.name !== 'Trf.001.01') throw new Error('expected Trf.001.01');
    expect(draft.body.TrfAmt.toString()).toBe('1000.50');
    const pwd = draft.body.BkAcct?.Pwd?.[0];
    expect(verifyPinBlock(PIN_KEY, pwd?.Pwd ?? '', '6222021234567890123', ClearPin.of('246810'))).toBe(true);
  });

  it('F-4.5: a resend keeps the original serial and says Resend=Y', () => {
    const draft = message(call({ resend: true }));
    expect(draft.serial).toBe(SERIAL);
    expect(draft.body).toMatchObject({ Resend: 'Y' });
  });

  it('F-4.6: QUERY_RESULT is Trf.005.01 12005 naming the queried serial, issued by the broker, in QryRef', () => {
    const draft = message(call({ function: 'QUERY_RESULT', serialNo: '20261121300000000009', queriedSerialNo: SERIAL, amount: undefined }));
    expect(draft).toMatchObject({ name: 'Trf.005.01', instrCd: '12005', serial: '20261121300000000009' });
    expect(draft.body).toMatchObject({ QryRef: { Ref: SERIAL, IssrType: 'S', RefIssr: BROKER_ID }, ScAcct: { Id: '880001', Type: '3' } });
  });

  it.each([
    ['a DESIGNATE without a bank password', call({ function: 'DESIGNATE', customer: { name: 'A', type: 'INDIVIDUAL', idType: '10', idNumber: fakeSecrets.seal('1') } }), /bankPassword is missing/],
    ['an ID type outside §7.9', call({ function: 'DESIGNATE', bankPassword: fakeSecrets.seal('123456'), customer: { name: 'A', type: 'INDIVIDUAL', idType: '99', idNumber: fakeSecrets.seal('1') } }), /idType 99/],
    ['a password that cannot be unsealed', call({ function: 'BANK_TO_SECURITIES', bankPassword: { sealed: 'tampered' } }), /cannot be unsealed/],
    ['a password that is not 4-12 digits', call({ function: 'BANK_TO_SECURITIES', bankPassword: fakeSecrets.seal('12ab') }), /not 4 to 12 digits/],
    ['a transfer without an amount', call({ amount: undefined }), /amount is missing/],
    ['a transfer of zero', call({ amount: Money.parse('0.00', 'signed') }), /NOT_POSITIVE/],
    ['a query without the queried serial', call({ function: 'QUERY_RESULT' }), /queriedSerialNo is missing/],
    [
      'a PRE_DESIGNATE without its opening balance (ScBal is required on 11002)',
      call({ function: 'PRE_DESIGNATE', customer: { name: 'A', type: 'INDIVIDUAL', idType: '10', idNumber: fakeSecrets.seal('1') } }),
      /openingBalance is missing/,
    ],
  ])('a call the adapter cannot map is refused before anything is built: %s', (_name, c, reason) => {
    expect(() => prepareCall(c, fakeSecrets)).toThrow(CallMappingError);
    expect(() => prepareCall(c, fakeSecrets)).toThrow(reason);
  });

  it('bank-protocol.md §7 step 1: DAY_START is Stmt.007.01 13012 carrying the business date D as BusiDate; it is about no account', () => {
    const draft = message(call({ function: 'DAY_START', businessDate: '2026-12-07', fundAccountNo: undefined, currency: undefined, amount: undefined, bankAccountNo: undefined }));
    expect(draft).toEqual({ name: 'Stmt.007.01', instrCd: '13012', serial: SERIAL, body: { BusiDate: '20261207', Dgst: '日间业务开始' } });
  });

  it('bank-protocol.md §7 step 3: DAY_END is Stmt.005.01 13011', () => {
    const draft = message(call({ function: 'DAY_END', businessDate: '2026-12-07', fundAccountNo: undefined, currency: undefined, amount: undefined, bankAccountNo: undefined }));
    expect(draft).toEqual({ name: 'Stmt.005.01', instrCd: '13011', serial: SERIAL, body: { Dgst: '日间业务结束' } });
  });

  const dayCall = { fundAccountNo: undefined, currency: undefined, amount: undefined, bankAccountNo: undefined } as const;
  const figures = { depositCount: 3, depositAmount: Money.parse('1500.50'), withdrawalCount: 2, withdrawalAmount: Money.parse('0', 'signed') };

  it('bank-protocol.md §7 step 4: SUMMARY_CHECK is Stmt.001.01 13010 with RecNum 1 and one TrfSumStamt of the broker\'s figures (amounts as Money)', () => {
    const draft = message(call({ function: 'SUMMARY_CHECK', businessDate: '2026-12-07', ...dayCall, summary: figures }));
    expect(draft).toMatchObject({ name: 'Stmt.001.01', instrCd: '13010', serial: SERIAL });
    if (draft.name !== 'Stmt.001.01') throw new Error('expected Stmt.001.01');
    expect(draft.body.RecNum).toBe(1);
    expect(draft.body.TrfSumStamt).toHaveLength(1);
    const [stamp] = draft.body.TrfSumStamt ?? [];
    expect({ ...stamp, DpstAmt: stamp?.DpstAmt.toString(), WtdrAmt: stamp?.WtdrAmt.toString() }).toEqual({ DpstNum: 3, DpstAmt: '1500.50', WtdrNum: 2, WtdrAmt: '0.00' });
  });

  it.each([
    ['without its figures', { summary: undefined }, /summary is missing/],
    ['with a negative deposit figure (the standard\'s Amount has no sign)', { summary: { ...figures, depositAmount: Money.parse('-1.00', 'signed') } }, /summary.depositAmount is not a valid amount/],
    ['with three decimals', { summary: { ...figures, withdrawalAmount: Money.fromDb('1.005') } }, /summary.withdrawalAmount is not a valid amount/],
  ])('a SUMMARY_CHECK %s is refused before anything is built', (_name, overrides, reason) => {
    expect(() => prepareCall(call({ function: 'SUMMARY_CHECK', ...dayCall, ...overrides }), fakeSecrets)).toThrow(reason);
  });

  it('a transfer call without its fund account cannot be sent', () => {
    expect(() => prepareCall(call({ fundAccountNo: undefined }), fakeSecrets)).toThrow(new CallMappingError('fundAccountNo is missing'));
  });

  it('mapping errors never quote the secret they failed on', () => {
    const map = () => prepareCall(call({ function: 'BANK_TO_SECURITIES', bankPassword: fakeSecrets.seal('12ab') }), fakeSecrets);
    expect(map).toThrow(CallMappingError);
    expect(map).toThrow(expect.objectContaining({ message: expect.not.stringContaining('12ab') }));
  });
});
