import {
  CUSTOMER_DATA_CHANGE_CODES,
  type CustomerData,
  type CustomerDataChangeFacts,
  type CustomerDataChangeRequest,
  customerDataChanges,
  customerDataChangeVerdict,
} from './customer-data-change-decisions';

const HOLDER: CustomerData = { name: '张三', idType: '10', idNumber: '110101199001011234', phone: '13800000000', address: null, email: null };
const REQUEST: CustomerDataChangeRequest = { fundAccountNo: '880001', customer: { name: '张三丰', idType: '10', idNumber: '110101199001011234', phone: '13900000000' } };
const LINKED: CustomerDataChangeFacts = { holder: HOLDER, linkedHere: true };

describe('F-3.5 B: the broker decides on a bank customer data change (11005)', () => {
  it('profile §4.1: a new name and contact data for our customer with the same ID document is accepted (0000)', () => {
    expect(customerDataChangeVerdict(REQUEST, LINKED)).toEqual({ code: CUSTOMER_DATA_CHANGE_CODES.CHANGED });
  });

  it.each([
    ['ScAcct', { ...REQUEST, fundAccountNo: '' }],
    ['a name (Cust/Name blank)', { ...REQUEST, customer: { ...REQUEST.customer, name: '  ' } }],
  ])('profile §4.1: without %s it is refused 2044', (_missing, request) => {
    expect(customerDataChangeVerdict(request, LINKED).code).toBe('2044');
  });

  it('profile §4.1: an unknown fund account is refused 2011', () => {
    expect(customerDataChangeVerdict(REQUEST, { linkedHere: false }).code).toBe('2011');
  });

  it('profile §4.1: a fund account with no relationship at this bank is refused 2013', () => {
    expect(customerDataChangeVerdict(REQUEST, { holder: HOLDER, linkedHere: false }).code).toBe('2013');
  });

  it.each([
    ['ID number', { idNumber: '110101199001019999' }],
    ['ID type', { idType: '11' }],
  ])("profile §4.1 (the broker's record prevails): a bank may not change the %s: refused 2009", (_field, identity) => {
    expect(customerDataChangeVerdict({ ...REQUEST, customer: { ...REQUEST.customer, ...identity } }, LINKED).code).toBe('2009');
  });
});

describe('F-3.5: what an accepted 11005 changes (§5.7.4 c)', () => {
  it('the name and each contact field the request carries with another value', () => {
    expect(customerDataChanges(HOLDER, { ...REQUEST.customer, address: '北京市西城区金融大街1号', email: 'zhang@example.com' })).toEqual({
      name: '张三丰',
      phone: '13900000000',
      address: '北京市西城区金融大街1号',
      email: 'zhang@example.com',
    });
  });

  it('profile §4.1 "where changed": a contact field absent or empty keeps ours, never erased', () => {
    expect(customerDataChanges(HOLDER, { ...HOLDER, name: '张三丰', phone: undefined, email: '' })).toEqual({ name: '张三丰' });
  });

  it('what we hold already changes nothing', () => {
    expect(customerDataChanges(HOLDER, { ...HOLDER, address: undefined, email: undefined })).toEqual({});
  });
});
