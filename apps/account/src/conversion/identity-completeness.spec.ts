import { citizenNumberDefect, type IdentityRecord, identityDefects } from './identity-completeness';

/** A citizen identity number with the right GB 11643 check digit (born 1990-03-07). */
const VALID_CITIZEN_NUMBER = '110101199003071233';

const person = (overrides: Partial<IdentityRecord> = {}): IdentityRecord => ({ name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: VALID_CITIZEN_NUMBER, ...overrides });
const codes = (identity: IdentityRecord) => identityDefects(identity).map((d) => d.code);

describe('F-12.1 account clean-up: a complete identity (name, ID type, ID number)', () => {
  it('F-12.1: a person with a name, 身份证 and a well-formed citizen number is complete', () => {
    expect(identityDefects(person())).toEqual([]);
  });

  it('F-12.1: an institution with a business licence (16) and any number is complete', () => {
    expect(identityDefects({ name: '某某投资有限公司', type: 'INSTITUTION', idType: '16', idNumber: '91110000MA01ABCD2X' })).toEqual([]);
  });

  it.each([
    ['a blank name', { name: '   ' }, 'NAME_MISSING'],
    ['a name with a control character', { name: '张\u0007三' }, 'NAME_ILL_FORMED'],
    ['a name with the day files’ separator |', { name: '张|三' }, 'NAME_ILL_FORMED'],
    ['a name beginning with spaces', { name: ' 张三' }, 'NAME_ILL_FORMED'],
    ['an ID type outside §7.9', { idType: '99' }, 'ID_TYPE_ILL_FORMED'],
    ['an organisation’s document for a person', { idType: '16' }, 'ID_TYPE_NOT_FOR_CUSTOMER_TYPE'],
    ['a blank ID number', { idNumber: '' }, 'ID_NUMBER_MISSING'],
    ['an ID number longer than CertId takes (35)', { idType: '11', idNumber: 'E'.repeat(36) }, 'ID_NUMBER_ILL_FORMED'],
    ['an ID number with a space', { idType: '11', idNumber: 'E1234 5678' }, 'ID_NUMBER_ILL_FORMED'],
    ['a citizen number whose check digit is wrong', { idNumber: '110101199003071234' }, 'ID_NUMBER_ILL_FORMED'],
  ])('F-12.1: %s is a defect', (_case, overrides, code) => {
    expect(codes(person(overrides))).toEqual([code]);
  });

  it('F-12.1: a person’s document for an institution is a defect', () => {
    expect(codes({ name: '某某公司', type: 'INSTITUTION', idType: '10', idNumber: VALID_CITIZEN_NUMBER })).toEqual(['ID_TYPE_NOT_FOR_CUSTOMER_TYPE']);
  });

  it('F-12.1: every defect is named, in the order a bank meets them', () => {
    expect(codes({ name: '', type: 'INDIVIDUAL', idType: '99', idNumber: '' })).toEqual(['NAME_MISSING', 'ID_TYPE_ILL_FORMED', 'ID_NUMBER_MISSING']);
  });

  it('F-12.1: a defect never quotes the ID number', () => {
    const wrong = '110101199003071234';
    expect(JSON.stringify(identityDefects(person({ idNumber: wrong })))).not.toContain(wrong);
  });
});

describe('GB 11643 citizen identity numbers (身份证, 临时居民身份证)', () => {
  it.each([
    ['the check digit X', '11010519491231002X'],
    ['the check digit x', '11010519491231002x'],
  ])('well formed: %s', (_case, number) => {
    expect(citizenNumberDefect(number)).toBeUndefined();
  });

  it.each([
    ['a first-generation 15-digit number', '110101900307123', /15-digit/],
    ['17 digits', '11010119900307123', /17 digits and a check digit/],
    ['a letter inside', '1101011990030A1233', /17 digits and a check digit/],
    ['a birth date that is no date', '110101199002301238', /birth date/],
    ['a wrong check digit', '110101199003071234', /check digit/],
  ])('ill-formed: %s', (_case, number, why) => {
    expect(citizenNumberDefect(number)).toMatch(why);
  });

  it('a temporary resident card (29) is held to the same number', () => {
    expect(codes(person({ idType: '29', idNumber: '110101199003071234' }))).toEqual(['ID_NUMBER_ILL_FORMED']);
    expect(codes(person({ idType: '11', idNumber: '110101199003071234' }))).toEqual([]);
  });
});
