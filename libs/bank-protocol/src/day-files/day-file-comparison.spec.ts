import { Money } from '@custody/money';
import { differingFields, matchKeyOf } from './day-file-comparison';
import { CHK01_RECORD, CHK02_RECORD, CHK03_RECORD, CHK04_RECORD } from './day-file-fixtures';
import { FIELD_POSITIONS } from './day-file-types';

describe('comparing CHK records (bank-protocol.md §5)', () => {
  it('bank-protocol.md §5: CHK01 and CHK03 records match by the initiator and the initiator\'s serial', () => {
    expect(matchKeyOf('CHK01', CHK01_RECORD)).toBe('S:20261121000000000001');
    expect(matchKeyOf('CHK01', { ...CHK01_RECORD, bankSerialNo: 'other', tradeTime: '23:59:59' })).toBe('S:20261121000000000001');
    expect(matchKeyOf('CHK03', CHK03_RECORD)).toBe('B:B0000000123');
  });

  it('bank-protocol.md §5: CHK02 and CHK04 records match by fund account and currency', () => {
    expect(matchKeyOf('CHK02', CHK02_RECORD)).toBe('100000000002:USD');
    expect(matchKeyOf('CHK04', CHK04_RECORD)).toBe('100000000001:CNY');
  });

  it('bank-protocol.md §5: only compared fields make a difference, amounts compared as money', () => {
    const bank = { ...CHK01_RECORD, customerName: '张叁', tradeTime: '09:30:06', bankSerialNo: null, amount: Money.fromDb('123.450') };
    expect(differingFields('CHK01', CHK01_RECORD, bank)).toEqual([]);
    const differing = differingFields('CHK01', CHK01_RECORD, { ...bank, bankAccountNo: '6222000000000009', amount: Money.parse('123.40') });
    expect(differing).toEqual(['bankAccountNo', 'amount']);
    expect(differing.map((name) => FIELD_POSITIONS.CHK01[name])).toEqual([9, 16]);
  });

  it('bank-protocol.md §5: CHK02 compares the bank account (blank included) and the custody status', () => {
    expect(differingFields('CHK02', CHK02_RECORD, { ...CHK02_RECORD, bankAccountNo: '6222000000000002', status: '0' })).toEqual(['bankAccountNo', 'status']);
    expect(differingFields('CHK04', CHK04_RECORD, { ...CHK04_RECORD, amount: Money.parse('4690.00') })).toEqual(['amount']);
  });
});
