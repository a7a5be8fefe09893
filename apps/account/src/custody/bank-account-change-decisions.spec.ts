import { BANK_ACCOUNT_CHANGE_CODES, type BankAccountChangeFacts, type BankAccountChangeRequest, bankAccountChangeVerdict } from './bank-account-change-decisions';

const BANK = '1021000';
const OLD = '6222021234567890123';
const NEW = '6222029876543210987';
const HOLDER = { name: '张三', idType: '10', idNumber: '110101199001011234' };
const REQUEST: BankAccountChangeRequest = { bankCode: BANK, fundAccountNo: '880001', oldBankAccountNo: OLD, newBankAccountNo: NEW, customer: HOLDER };
const DESIGNATED: BankAccountChangeFacts = { holder: HOLDER, relationship: { status: 'DESIGNATED', bankCode: BANK, bankAccountNo: OLD, accountStatus: 'NORMAL' } };

const withRelationship = (relationship: Partial<NonNullable<BankAccountChangeFacts['relationship']>>): BankAccountChangeFacts => ({
  holder: HOLDER,
  relationship: { ...DESIGNATED.relationship!, ...relationship },
});

describe('F-3.4 B: the broker decides on a bank settlement account change (11006)', () => {
  it("F-3.4: the designated relationship's own old account changed to another of the same customer is accepted (0000)", () => {
    expect(bankAccountChangeVerdict(REQUEST, DESIGNATED)).toEqual({ code: BANK_ACCOUNT_CHANGE_CODES.CHANGED });
  });

  it.each([
    ['ScAcct', { fundAccountNo: '' }],
    ['BkAcct (the old account)', { oldBankAccountNo: '' }],
    ['NewBkAcct', { newBankAccountNo: '' }],
    ['Cust (the holder of the new account)', { customer: undefined }],
  ] as Array<[string, Partial<BankAccountChangeRequest>]>)('profile §4.1: without %s it is refused 2044', (_missing, fields) => {
    expect(bankAccountChangeVerdict({ ...REQUEST, ...fields }, DESIGNATED).code).toBe('2044');
  });

  it('profile §4.1: an unknown fund account is refused 2011', () => {
    expect(bankAccountChangeVerdict(REQUEST, {}).code).toBe('2011');
  });

  it.each([
    ['no relationship in the currency', { holder: HOLDER }],
    ['a relationship at another bank', withRelationship({ bankCode: '1051000' })],
  ] as Array<[string, BankAccountChangeFacts]>)('profile §4.1: %s is not linked here: refused 2013', (_case, facts) => {
    expect(bankAccountChangeVerdict(REQUEST, facts).code).toBe('2013');
  });

  it.each(['PRE_DESIGNATED', 'PENDING'] as const)('§7.23: a relationship %s here is in the wrong state for a change: refused 3003 (对应关系状态错)', (status) => {
    expect(bankAccountChangeVerdict(REQUEST, withRelationship({ status, bankAccountNo: null })).code).toBe('3003');
  });

  it.each(['FROZEN', 'LOST'] as const)('profile §4.1 "11011", §7.23: a %s relationship is refused 2010 (资金账户状态不正常), as its transfers are', (accountStatus) => {
    expect(bankAccountChangeVerdict(REQUEST, withRelationship({ accountStatus })).code).toBe('2010');
  });

  it('profile §4.1: an old account other than the linked one is refused 2013', () => {
    expect(bankAccountChangeVerdict({ ...REQUEST, oldBankAccountNo: '6222000000000000001' }, DESIGNATED).code).toBe('2013');
  });

  it('profile §4.1: a new account equal to the old (linked) one is refused 2014', () => {
    expect(bankAccountChangeVerdict({ ...REQUEST, newBankAccountNo: OLD }, DESIGNATED).code).toBe('2014');
  });

  it("profile §4.1, F-3.4: a new account's holder with another name is refused 2047", () => {
    expect(bankAccountChangeVerdict({ ...REQUEST, customer: { ...HOLDER, name: '李四' } }, DESIGNATED).code).toBe('2047');
  });

  it.each([
    ['ID number', { idNumber: '110101199001019999' }],
    ['ID type', { idType: '11' }],
  ])("profile §4.1, F-3.4: a new account's holder with another %s is refused 2009", (_field, identity) => {
    expect(bankAccountChangeVerdict({ ...REQUEST, customer: { ...HOLDER, ...identity } }, DESIGNATED).code).toBe('2009');
  });

  it('every refusal says why, for the log', () => {
    const refusal = bankAccountChangeVerdict({ ...REQUEST, newBankAccountNo: OLD }, DESIGNATED);
    expect(refusal).toEqual({ code: '2014', why: 'the new bank account is the one already linked' });
  });
});
