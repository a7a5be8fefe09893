import { type BankAccountChangeBooks, bankAccountChangeRefusal } from './bank-account-change-decisions';

const asked = { fundAccountNo: '100000000001', currency: 'CNY', oldBankAccountNo: '6222000000000001', newBankAccountNo: '6222000000000002' };
const designated: BankAccountChangeBooks = {
  relationship: { status: 'DESIGNATED', bankCode: '1021000', bankAccountNo: '6222000000000001', accountStatus: 'NORMAL' },
  changeInFlight: false,
};

describe('F-3.4 S: what the broker checks before it sends a bank account change (11006)', () => {
  it('a designated relationship on the old account, normal, with no change in flight, is sent', () => {
    expect(bankAccountChangeRefusal(asked, designated)).toBeUndefined();
  });

  it('the same account twice is VALIDATION_FAILED on newBankAccountNo', () => {
    expect(bankAccountChangeRefusal({ ...asked, newBankAccountNo: asked.oldBankAccountNo }, designated)).toMatchObject({ code: 'VALIDATION_FAILED', field: 'newBankAccountNo' });
  });

  it('domain.md F-3.4: an old account that is not the linked one is VALIDATION_FAILED on oldBankAccountNo, naming the mismatch', () => {
    expect(bankAccountChangeRefusal({ ...asked, oldBankAccountNo: '6222000000000009' }, designated)).toEqual({
      code: 'VALIDATION_FAILED',
      field: 'oldBankAccountNo',
      detail: 'oldBankAccountNo is not the bank account linked to fund account 100000000001 in CNY',
    });
  });

  it('no relationship, or one not DESIGNATED (pre-designated: no bank account yet; a designation in flight), is RELATIONSHIP_NOT_ACTIVE', () => {
    expect(bankAccountChangeRefusal(asked, { changeInFlight: false })).toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE' });
    for (const status of ['PRE_DESIGNATED', 'PENDING'] as const) {
      const relationship = { ...designated.relationship!, status, bankAccountNo: null };
      expect(bankAccountChangeRefusal(asked, { relationship, changeInFlight: false })).toMatchObject({ code: 'RELATIONSHIP_NOT_ACTIVE', detail: expect.stringContaining(status) });
    }
  });

  it('profile §4.1 "11011": a frozen or lost relationship keeps its account, RELATIONSHIP_FROZEN', () => {
    for (const accountStatus of ['FROZEN', 'LOST'] as const) {
      expect(bankAccountChangeRefusal(asked, { ...designated, relationship: { ...designated.relationship!, accountStatus } })).toMatchObject({ code: 'RELATIONSHIP_FROZEN' });
    }
  });

  it('one change at a time: another awaiting the bank is RELATIONSHIP_CHANGING', () => {
    expect(bankAccountChangeRefusal(asked, { ...designated, changeInFlight: true })).toMatchObject({ code: 'RELATIONSHIP_CHANGING' });
  });
});
