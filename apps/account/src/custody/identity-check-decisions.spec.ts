import { IDENTITY_CHECK_CODES, type IdentityCheckRequest, identityCheckVerdict } from './identity-check-decisions';
import { identityMismatch } from './identity-rules';

const HOLDER = { name: '张三', idType: '10', idNumber: '11010119900101123X' };
const REQUEST: IdentityCheckRequest = { fundAccountNo: '880001', customer: HOLDER };
const OURS = { holder: HOLDER };

describe('F-3.11: one comparison of a presented identity with the one the broker holds', () => {
  it('the same person matches; blanks around a field and the case of the check character X do not make another one', () => {
    expect(identityMismatch(HOLDER, HOLDER)).toBeUndefined();
    expect(identityMismatch({ name: ' 张三 ', idType: '10', idNumber: '11010119900101123x' }, HOLDER)).toBeUndefined();
  });

  it('the name is compared first, then the ID document (type and number)', () => {
    expect(identityMismatch({ ...HOLDER, name: '李四', idNumber: '110101199001019999' }, HOLDER)).toBe('NAME');
    expect(identityMismatch({ ...HOLDER, idNumber: '110101199001019999' }, HOLDER)).toBe('ID_DOCUMENT');
    expect(identityMismatch({ ...HOLDER, idType: '11' }, HOLDER)).toBe('ID_DOCUMENT');
  });
});

describe('F-3.11 B: the broker answers a bank identity check (11007)', () => {
  it('F-3.11: our customer as we hold them is answered 0000, with or without a fund password that matched', () => {
    expect(identityCheckVerdict(REQUEST, OURS)).toEqual({ code: IDENTITY_CHECK_CODES.MATCHED });
    expect(identityCheckVerdict({ ...REQUEST, fundPassword: 'MATCHED' }, OURS)).toEqual({ code: '0000' });
    expect(identityCheckVerdict({ ...REQUEST, fundPassword: 'MISSING' }, OURS)).toEqual({ code: '0000' });
  });

  it('profile §4.1: without ScAcct it is refused 2044; an unknown fund account 2011', () => {
    expect(identityCheckVerdict({ ...REQUEST, fundAccountNo: '' }, OURS).code).toBe('2044');
    expect(identityCheckVerdict(REQUEST, {}).code).toBe('2011');
  });

  it("profile §4.1: a name other than our customer's is 2047; an ID type or number other than theirs is 2009", () => {
    expect(identityCheckVerdict({ ...REQUEST, customer: { ...HOLDER, name: '李四' } }, OURS).code).toBe('2047');
    expect(identityCheckVerdict({ ...REQUEST, customer: { ...HOLDER, idNumber: '110101199001019999' } }, OURS).code).toBe('2009');
    expect(identityCheckVerdict({ ...REQUEST, customer: { ...HOLDER, idType: '11' } }, OURS).code).toBe('2009');
  });

  it.each(['MISMATCHED', 'LOCKED', 'NOT_SET', 'UNREADABLE'] as const)('profile §4.1: a fund password typed and %s is 2001', (fundPassword) => {
    expect(identityCheckVerdict({ ...REQUEST, fundPassword }, OURS).code).toBe('2001');
  });

  it('the document is judged before the password: a wrong name with a wrong password is 2047', () => {
    expect(identityCheckVerdict({ ...REQUEST, customer: { ...HOLDER, name: '李四' }, fundPassword: 'MISMATCHED' }, OURS).code).toBe('2047');
  });
});
