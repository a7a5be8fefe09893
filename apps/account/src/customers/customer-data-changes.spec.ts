import { type CustomerData, customerDataChanges } from './customer-data-changes';

const held: CustomerData = { name: '张三', type: 'INDIVIDUAL', idType: '10', idNumber: '110101199003071234', phone: '13800000000', address: null, email: null };

describe('F-3.5: what a PUT of an existing customer changes of the data the banks hold', () => {
  it('the same data again changes nothing', () => {
    expect(customerDataChanges(held, { ...held })).toEqual([]);
  });

  it('each field changed is named; the ID document is one, whether its type or its number changes', () => {
    expect(customerDataChanges(held, { ...held, name: '张三丰', address: '北京' })).toEqual(['name', 'address']);
    expect(customerDataChanges(held, { ...held, idNumber: '110101199003075678' })).toEqual(['idDocument']);
    expect(customerDataChanges(held, { ...held, idType: '11' })).toEqual(['idDocument']);
    expect(customerDataChanges(held, { ...held, type: 'INSTITUTION' })).toEqual(['type']);
  });

  it('api.md: a PUT replaces the record, so a contact field left out is erased — a change too', () => {
    expect(customerDataChanges(held, { ...held, phone: null })).toEqual(['phone']);
  });
});
