import { BANK_DESIGNATION_CODES, type BankDesignationFacts, type BankDesignationRequest, bankDesignationVerdict, type LiveRelationship } from './bank-designation-decisions';

const BANK = '1021000';
const OTHER_BANK = '1051000';
const HOLDER = { name: '张三', idType: '10', idNumber: '110101199001011234' };
const DESIGNATE: BankDesignationRequest = {
  function: 'DESIGNATE',
  bankCode: BANK,
  fundAccountNo: '880001',
  currency: 'CNY',
  bankAccountNo: '6222021234567890123',
  customer: HOLDER,
  fundPassword: 'MATCHED',
};
const REGISTER: BankDesignationRequest = { function: 'REGISTER_CURRENCY', bankCode: BANK, fundAccountNo: '880001', currency: 'USD', bankAccountNo: '6222021234567890123', customer: HOLDER };
const FRESH: BankDesignationFacts = { holder: HOLDER, currencyOpened: true, relationships: [] };
const relationship = (over: Partial<LiveRelationship> = {}): LiveRelationship => ({
  currency: 'CNY',
  status: 'DESIGNATED',
  bankCode: BANK,
  bankAccountNo: '6222021234567890123',
  accountStatus: 'NORMAL',
  ...over,
});
const LINKED_IN_CNY: BankDesignationFacts = { ...FRESH, relationships: [relationship()] };

describe('F-3.3 B: the broker decides on a bank designation (11001)', () => {
  it('F-3.3: a fund account without a relationship in the currency, our customer, the right fund password: accepted (0000)', () => {
    expect(bankDesignationVerdict(DESIGNATE, FRESH)).toEqual({ code: BANK_DESIGNATION_CODES.DESIGNATED });
  });

  it.each([
    ['ScAcct', { ...DESIGNATE, fundAccountNo: '' }],
    ['BkAcct', { ...DESIGNATE, bankAccountNo: undefined }],
  ])('profile §4.1: without %s it is refused 2044', (_missing, request) => {
    expect(bankDesignationVerdict(request, FRESH).code).toBe('2044');
  });

  it('profile §4.1: an unknown fund account is refused 2011, before anything else is looked at', () => {
    expect(bankDesignationVerdict({ ...DESIGNATE, fundPassword: 'MISMATCHED' }, { currencyOpened: false, relationships: [] }).code).toBe('2011');
  });

  it('§7.23: a fund account not opened in the currency is refused 3011', () => {
    expect(bankDesignationVerdict({ ...DESIGNATE, currency: 'USD' }, { ...FRESH, currencyOpened: false }).code).toBe('3011');
  });

  it.each(['MISMATCHED', 'LOCKED', 'NOT_SET', 'MISSING', 'UNREADABLE', undefined] as const)(
    'profile §4.1: a fund password %s is refused 2001 (one code for every failure), before the identity is compared',
    (check) => {
      const verdict = bankDesignationVerdict({ ...DESIGNATE, fundPassword: check, customer: { ...HOLDER, name: '李四' } }, FRESH);
      expect(verdict).toEqual({ code: '2001', why: expect.any(String) });
    },
  );

  it("profile §4.1: a name other than our customer's is refused 2047", () => {
    expect(bankDesignationVerdict({ ...DESIGNATE, customer: { ...HOLDER, name: '李四' } }, FRESH).code).toBe('2047');
  });

  it.each([
    ['ID number', { ...HOLDER, idNumber: '110101199001019999' }],
    ['ID type', { ...HOLDER, idType: '11' }],
  ])("profile §4.1: an %s other than our customer's is refused 2009", (_field, customer) => {
    expect(bankDesignationVerdict({ ...DESIGNATE, customer }, FRESH).code).toBe('2009');
  });

  it.each(['DESIGNATED', 'PRE_DESIGNATED', 'PENDING'] as const)('profile §4.1: a fund account %s at another bank in the currency is refused 3013', (status) => {
    expect(bankDesignationVerdict(DESIGNATE, { ...FRESH, relationships: [relationship({ status, bankCode: OTHER_BANK })] }).code).toBe('3013');
  });

  it('profile §4.1: a fund account already designated at this bank in the currency is refused 2014', () => {
    expect(bankDesignationVerdict(DESIGNATE, LINKED_IN_CNY).code).toBe('2014');
  });

  it('profile §4.1: a fund account pre-designated at this bank is refused 3003: only the bank’s 11003 confirms it', () => {
    const verdict = bankDesignationVerdict(DESIGNATE, { ...FRESH, relationships: [relationship({ status: 'PRE_DESIGNATED', bankAccountNo: null })] });
    expect(verdict).toEqual({ code: '3003', why: expect.stringContaining('11003') });
  });

  it('a designation of ours at this bank still awaiting its answer (PENDING) is refused 3003', () => {
    expect(bankDesignationVerdict(DESIGNATE, { ...FRESH, relationships: [relationship({ status: 'PENDING' })] }).code).toBe('3003');
  });

  it('I2 is per currency: a relationship in another currency does not stand in the way', () => {
    expect(bankDesignationVerdict(DESIGNATE, { ...FRESH, relationships: [relationship({ currency: 'USD', bankCode: OTHER_BANK })] }).code).toBe('0000');
  });

  it("domain.md §13: another of the customer's fund accounts at this bank is refused 2034", () => {
    expect(bankDesignationVerdict(DESIGNATE, { ...FRESH, otherFundAccountAtBank: '880002' })).toEqual({ code: '2034', why: expect.stringContaining('880002') });
  });
});

describe('11010 B: the broker decides on another currency the bank registers (profile §4.1)', () => {
  it('a fund account opened in the currency, designated here in another with this bank account: accepted (0000), no password asked', () => {
    expect(bankDesignationVerdict(REGISTER, LINKED_IN_CNY)).toEqual({ code: '0000' });
  });

  it('§7.23: the fund account not opened in the currency at the broker is refused 3011', () => {
    expect(bankDesignationVerdict(REGISTER, { ...LINKED_IN_CNY, currencyOpened: false }).code).toBe('3011');
  });

  it('profile §4.1: without a designated relationship at this bank there is nothing to add the currency to: 2013', () => {
    expect(bankDesignationVerdict(REGISTER, FRESH).code).toBe('2013');
    expect(bankDesignationVerdict(REGISTER, { ...FRESH, relationships: [relationship({ status: 'PRE_DESIGNATED', bankAccountNo: null })] }).code).toBe('2013');
  });

  it('profile §4.1: a relationship at this bank with another bank account is not linked to this one: 2013', () => {
    expect(bankDesignationVerdict(REGISTER, { ...FRESH, relationships: [relationship({ bankAccountNo: '6222029876543210987' })] }).code).toBe('2013');
  });

  it('profile §4.1: the fund account designated at another bank is refused 3013', () => {
    expect(bankDesignationVerdict(REGISTER, { ...FRESH, relationships: [relationship({ bankCode: OTHER_BANK })] }).code).toBe('3013');
  });

  it('profile §4.1: the currency already designated here is refused 2014', () => {
    expect(bankDesignationVerdict(REGISTER, { ...FRESH, relationships: [relationship(), relationship({ currency: 'USD' })] }).code).toBe('2014');
  });

  it.each(['FROZEN', 'LOST'] as const)('profile §4.1 "11011": a %s relationship takes no new currency: 2010', (accountStatus) => {
    expect(bankDesignationVerdict(REGISTER, { ...FRESH, relationships: [relationship({ accountStatus })] }).code).toBe('2010');
  });

  it('profile §4.1: the customer the bank names must be ours (2047, 2009)', () => {
    expect(bankDesignationVerdict({ ...REGISTER, customer: { ...HOLDER, name: '李四' } }, LINKED_IN_CNY).code).toBe('2047');
    expect(bankDesignationVerdict({ ...REGISTER, customer: { ...HOLDER, idNumber: '1' } }, LINKED_IN_CNY).code).toBe('2009');
  });
});
