import { ClearPin, INSTRUCTION_CODES, verifyPinBlock } from '@custody/bank-protocol';
import { BROKER_ID, bankReplyHeaderFor, fakeSecrets, PIN_KEY } from '../testing/bank-session.fake';
import { aBankCall } from '../testing/bank-call.fixture';
import type { BankCall } from './bank-call.types';
import { CallMappingError, callToMessage, prepareCall } from './call-to-message.mapper';
import { replyToCompletion } from './reply-to-completion.mapper';

const SERIAL = '20261121200000000001';
const CUSTOMER = { name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: fakeSecrets.seal('610103198001012435') } as const;

function message(overrides: Partial<BankCall>) {
  return callToMessage(prepareCall(aBankCall({ serialNo: SERIAL, amount: undefined, customer: CUSTOMER, ...overrides }), fakeSecrets), PIN_KEY, BROKER_ID);
}

describe('the broker’s changes at the bank as protocol messages (bank-protocol.md §4.1)', () => {
  it('F-3.4 S: CHANGE_BANK_ACCOUNT is Acmt.007.01 11006 — the old account in BkAcct with its bank password as a Type 1 PIN block, the new one in NewBkAcct, the customer', () => {
    const draft = message({ function: 'CHANGE_BANK_ACCOUNT', newBankAccountNo: '6222029876543210987', bankPassword: fakeSecrets.seal('135790') });
    expect(draft).toMatchObject({ name: 'Acmt.007.01', instrCd: '11006', serial: SERIAL });
    if (draft.name !== 'Acmt.007.01') throw new Error('expected Acmt.007.01');
    expect(draft.body).toMatchObject({
      Cust: { Name: '张三', CertType: '10', CertId: '610103198001012435', Type: 'INVE' },
      BkAcct: { Id: '6222021234567890123', Type: '1' },
      NewBkAcct: { Id: '6222029876543210987', Type: '1' },
      ScAcct: { Id: '880001', Type: '3' },
      Ccy: 'CNY',
    });
    const pwd = draft.body.BkAcct?.Pwd?.[0];
    expect(pwd).toMatchObject({ Type: '1', Enc: '02' });
    expect(verifyPinBlock(PIN_KEY, pwd?.Pwd ?? '', '6222021234567890123', ClearPin.of('135790'))).toBe(true);
    expect(JSON.stringify(draft)).not.toContain('135790');
  });

  it('F-3.4 S: the bank password is optional (profile §4.1): without one BkAcct carries none', () => {
    const draft = message({ function: 'CHANGE_BANK_ACCOUNT', newBankAccountNo: '6222029876543210987', bankPassword: undefined });
    if (draft.name !== 'Acmt.007.01') throw new Error('expected Acmt.007.01');
    expect(draft.body.BkAcct).toEqual({ Id: '6222021234567890123', Type: '1' });
  });

  it('F-3.4 S: a change that names no new account is never sent', () => {
    expect(() => prepareCall(aBankCall({ function: 'CHANGE_BANK_ACCOUNT', customer: CUSTOMER, newBankAccountNo: undefined }), fakeSecrets)).toThrow(CallMappingError);
  });

  it('F-3.5 S: CHANGE_CUSTOMER is Acmt.005.01 11005 with the full new name and ID document and the contact data in Cust, and the fund account', () => {
    const draft = message({ function: 'CHANGE_CUSTOMER', bankAccountNo: undefined, customer: { ...CUSTOMER, phone: '13800000000', address: '北京市西城区金融街 1 号', email: 'z@example.com' } });
    expect(draft).toMatchObject({ name: 'Acmt.005.01', instrCd: '11005', serial: SERIAL });
    if (draft.name !== 'Acmt.005.01') throw new Error('expected Acmt.005.01');
    expect(draft.body.Cust).toEqual({ Name: '张三', CertType: '10', CertId: '610103198001012435', Type: 'INVE', Mobile: '13800000000', Addr: '北京市西城区金融街 1 号', Email: 'z@example.com' });
    expect(draft.body.ScAcct).toEqual({ Id: '880001', Type: '3' });
    expect(draft.body.BkAcct).toBeUndefined();
  });

  it('F-3.5 S: contact data longer than Cust carries (Addr 70 characters) is never cut: the call is not sent and says which field', () => {
    const call = aBankCall({ function: 'CHANGE_CUSTOMER', customer: { ...CUSTOMER, address: '路'.repeat(71) } });
    expect(() => prepareCall(call, fakeSecrets)).toThrow(new CallMappingError('customer address has more than the 70 characters 11005 carries'));
    expect(() => prepareCall(aBankCall({ function: 'CHANGE_CUSTOMER', customer: { ...CUSTOMER, address: '路'.repeat(70) } }), fakeSecrets)).not.toThrow();
  });
});

describe('the bank’s answers to the broker’s changes', () => {
  it('F-3.4 S: an Acmt.008.01 is REPLIED with its code and the bank’s serial, a refusal too (5016: the new account is not the customer’s)', () => {
    const call = aBankCall({ serialNo: SERIAL, function: 'CHANGE_BANK_ACCOUNT' });
    const header = (serial: string) => bankReplyHeaderFor(INSTRUCTION_CODES.CHANGE_BANK_ACCOUNT, SERIAL, serial);
    expect(replyToCompletion(call, { name: 'Acmt.008.01', body: { MsgHdr: header('B1'), Rst: { Code: '0000' }, BkAcct: { Id: '6222029876543210987', Type: '1' } } })).toMatchObject({
      outcome: 'REPLIED',
      returnCode: '0000',
      bankSerialNo: 'B1',
    });
    expect(replyToCompletion(call, { name: 'Acmt.008.01', body: { MsgHdr: header('B2'), Rst: { Code: '5016' } } })).toMatchObject({ outcome: 'REPLIED', returnCode: '5016', returnMessage: '该账户不属于同一个客户' });
  });

  it('F-3.5 S: an Acmt.006.01 is REPLIED with its code', () => {
    const call = aBankCall({ serialNo: SERIAL, function: 'CHANGE_CUSTOMER' });
    const completion = replyToCompletion(call, { name: 'Acmt.006.01', body: { MsgHdr: bankReplyHeaderFor(INSTRUCTION_CODES.CHANGE_CUSTOMER, SERIAL, 'B3'), Rst: { Code: '5219' } } });
    expect(completion).toMatchObject({ outcome: 'REPLIED', returnCode: '5219', bankSerialNo: 'B3' });
  });
});
