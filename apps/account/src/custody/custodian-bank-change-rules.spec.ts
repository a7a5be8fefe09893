import { bankChangeRefusal, type BankChangeFacts } from './custodian-bank-change-rules';

const request = { fundAccountNo: '880001', currency: 'CNY', newBankCode: '1051000' };
const allowed: BankChangeFacts = { relationship: { status: 'DESIGNATED', bankCode: '1021000', accountStatus: 'NORMAL' }, newBankConfigured: true, changeInFlight: false };

describe('F-3.6 S: what account refuses before a change of custodian bank is sent', () => {
  it('F-3.6: a designated or pre-designated relationship, normal, nothing changing, the customer not yet at the new bank: allowed', () => {
    expect(bankChangeRefusal(request, allowed)).toBeUndefined();
    expect(bankChangeRefusal(request, { ...allowed, relationship: { ...allowed.relationship!, status: 'PRE_DESIGNATED' } })).toBeUndefined();
  });

  it('a bank not configured is UNKNOWN_BANK, naming the field', () => {
    expect(bankChangeRefusal(request, { ...allowed, newBankConfigured: false })).toMatchObject({ code: 'UNKNOWN_BANK', field: 'newBankCode' });
  });

  it('no relationship is RELATIONSHIP_NOT_ACTIVE', () => {
    expect(bankChangeRefusal(request, { ...allowed, relationship: undefined })).toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
  });

  it('a designation awaiting the bank, or a change of the relationship in flight, is RELATIONSHIP_CHANGING', () => {
    expect(bankChangeRefusal(request, { ...allowed, relationship: { ...allowed.relationship!, status: 'PENDING' } })).toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
    expect(bankChangeRefusal(request, { ...allowed, changeInFlight: true })).toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
  });

  it('the bank it is already at is VALIDATION_FAILED, pointing to the bank account change (F-3.4)', () => {
    expect(bankChangeRefusal({ ...request, newBankCode: '1021000' }, allowed)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'newBankCode', detail: expect.stringContaining('F-3.4') });
  });

  it.each(['FROZEN', 'LOST'] as const)('11011: a %s relationship is RELATIONSHIP_FROZEN', (accountStatus) => {
    expect(bankChangeRefusal(request, { ...allowed, relationship: { ...allowed.relationship!, accountStatus } })).toMatchObject({ code: 'RELATIONSHIP_FROZEN' });
  });

  it('§13: another fund account of the customer at the new bank is BANK_ALREADY_USED, naming it', () => {
    expect(bankChangeRefusal(request, { ...allowed, otherFundAccountAtNewBank: '880002' })).toMatchObject({ code: 'BANK_ALREADY_USED', detail: expect.stringContaining('880002') });
  });
});
