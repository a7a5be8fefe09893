import { Money } from '@custody/money';
import { accountFunctionRecord, balanceLine, transferRecord } from '../testing/day-file-builders';
import { balanceBreakOf, breakSide, maskIdNumber } from './break-sides';

describe("api.md: a break's sides as operators see them", () => {
  it('a CHK01 record is its JSON with api.md’s names: amounts as decimal strings, blanks null', () => {
    expect(breakSide('CHK01', transferRecord({ initiator: 'S', brokerSerialNo: 'S9', amount: Money.parse('12.30') }))).toMatchObject({
      brokerSerialNo: 'S9',
      bankSerialNo: null,
      cashExFlag: null,
      amount: '12.30',
      tradeDate: '2026-11-23',
      tradeTime: '10:00:00',
    });
  });

  it('domain.md §14: CHK03’s ID number leaves only masked (idNumberMasked, after idType), never in clear', () => {
    const side = breakSide('CHK03', accountFunctionRecord({ initiator: 'S', idNumber: '110101199003071234' }));
    expect(side).not.toHaveProperty('idNumber');
    expect(side.idNumberMasked).toBe('**************1234');
    expect(Object.keys(side).slice(Object.keys(side).indexOf('idType'), Object.keys(side).indexOf('idType') + 2)).toEqual(['idType', 'idNumberMasked']);
    expect(JSON.stringify(side)).not.toContain('19900307');
    expect(breakSide('CHK03', accountFunctionRecord({ initiator: 'S', idNumber: null })).idNumberMasked).toBeNull();
    expect(maskIdNumber('123')).toBe('***');
  });

  it.each([
    ['余额不符', 'X', ['amount'], true, true],
    ['银行方无此账户', 'S', [], true, false],
    ['证券方无此账户', 'B', [], false, true],
  ] as const)('api.md: a DIF04 line "%s" is a CHK04 break %s', (remark, reason, differingFields, broker, bank) => {
    const found = balanceBreakOf(balanceLine({ remark, brokerAmount: Money.parse('100.00'), bankAmount: Money.parse('90.00') }));
    expect({ reason: found.reason, differingFields: found.differingFields, broker: found.broker !== null, bank: found.bank !== null }).toEqual({ reason, differingFields, broker, bank });
    expect(found.broker?.amount ?? found.bank?.amount).toBe(broker ? '100.00' : '90.00');
  });
});
