import { CONFIRMATION_CODES, type ConfirmationFacts, type ConfirmationRequest, confirmationVerdict } from './confirmation-decisions';

const HOLDER = { name: '张三', idType: '10', idNumber: '110101199001011234' };
const REQUEST: ConfirmationRequest = { bankCode: '1021000', fundAccountNo: '880001', bankAccountNo: '6222021234567890123', customer: HOLDER };
const PRE_DESIGNATED: ConfirmationFacts = { holder: HOLDER, relationship: { status: 'PRE_DESIGNATED', bankCode: '1021000' } };

describe('F-3.2 B: the broker decides on a bank confirmation of a pre-designation (11003)', () => {
  it('F-3.2: a pre-designation at this bank confirmed by our customer is accepted (0000)', () => {
    expect(confirmationVerdict(REQUEST, PRE_DESIGNATED)).toEqual({ code: CONFIRMATION_CODES.CONFIRMED });
  });

  it.each([
    ['ScAcct', { ...REQUEST, fundAccountNo: '' }],
    ['BkAcct', { ...REQUEST, bankAccountNo: undefined }],
  ])('profile §4.1: without %s it is refused 2044', (_missing, request) => {
    expect(confirmationVerdict(request, PRE_DESIGNATED).code).toBe('2044');
  });

  it('profile §4.1: an unknown fund account is refused 2011', () => {
    expect(confirmationVerdict(REQUEST, {}).code).toBe('2011');
  });

  it.each([
    ['no relationship in the currency', { holder: HOLDER }],
    ['already DESIGNATED', { holder: HOLDER, relationship: { status: 'DESIGNATED', bankCode: '1021000' } }],
    ['still PENDING', { holder: HOLDER, relationship: { status: 'PENDING', bankCode: '1021000' } }],
    ['pre-designated at another bank', { holder: HOLDER, relationship: { status: 'PRE_DESIGNATED', bankCode: '1051000' } }],
  ] as Array<[string, ConfirmationFacts]>)('profile §4.1: a relationship %s is not pre-designated at this bank: refused 3003', (_case, facts) => {
    expect(confirmationVerdict(REQUEST, facts).code).toBe('3003');
  });

  it("profile §4.1: a name other than our customer's is refused 2047", () => {
    expect(confirmationVerdict({ ...REQUEST, customer: { ...HOLDER, name: '李四' } }, PRE_DESIGNATED).code).toBe('2047');
  });

  it.each([
    ['number', { ...HOLDER, idNumber: '110101199001019999' }],
    ['type', { ...HOLDER, idType: '11' }],
  ])("profile §4.1: an ID %s other than our customer's is refused 2009", (_what, customer) => {
    expect(confirmationVerdict({ ...REQUEST, customer }, PRE_DESIGNATED).code).toBe('2009');
  });

  it('a refusal never names the ID number it compared', () => {
    const verdict = confirmationVerdict({ ...REQUEST, customer: { ...HOLDER, idNumber: '110101199001019999' } }, PRE_DESIGNATED);
    expect(JSON.stringify(verdict)).not.toMatch(/1101011990010/);
  });
});
