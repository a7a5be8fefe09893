import type { Chk04Record } from '@custody/bank-protocol';
import { Money } from '@custody/money';
import { balanceDifferences, type CustodyBalance } from './balance-differences';

const PARTIES = { bankInstId: '1021000', brokerInstId: '10000001' };
const D = '2026-03-02';

const ledger = (fundAccountNo: string, amount: string, currency: 'CNY' | 'USD' = 'CNY'): Chk04Record => ({
  ...PARTIES,
  branchId: '0001',
  tradeDate: D,
  fundAccountNo,
  customerName: '张三',
  currency,
  cashExFlag: currency === 'CNY' ? null : '1',
  amount: Money.parse(amount, 'non-negative'),
});

const custody = (fundAccountNo: string, balance: string, currency: 'CNY' | 'USD' = 'CNY'): CustodyBalance => ({ fundAccountNo, currency, balance: Money.parse(balance, 'non-negative'), customerName: '李四' });

async function dif04(broker: Chk04Record[], bank: CustodyBalance[]) {
  const out = [];
  for await (const record of balanceDifferences(broker, bank, { parties: PARTIES, businessDate: D })) out.push(record);
  return out;
}

describe("the bank's DIF04 (bank-protocol.md §5, table A.7)", () => {
  it('equal balances are not listed: a DIF04 lists only differences', async () => {
    expect(await dif04([ledger('1', '10.00'), ledger('2', '0.00')], [custody('1', '10.00'), custody('2', '0.00')])).toEqual([]);
  });

  it('余额不符 with both amounts and the bank’s record of the name', async () => {
    expect(await dif04([ledger('1', '10.00')], [custody('1', '12.50')])).toEqual([
      {
        ...PARTIES,
        branchId: '0001',
        date: D,
        currency: 'CNY',
        cashExFlag: null,
        fundAccountNo: '1',
        customerName: '李四',
        brokerAmount: Money.parse('10.00'),
        bankAmount: Money.parse('12.50'),
        remark: '余额不符',
      },
    ]);
  });

  it('银行方无此账户: the bank’s amount 0 and no name; the same fund account in another currency is another account', async () => {
    expect(await dif04([ledger('1', '3.00', 'USD')], [custody('1', '3.00')])).toEqual([
      expect.objectContaining({ fundAccountNo: '1', currency: 'USD', cashExFlag: '1', customerName: null, brokerAmount: Money.parse('3.00'), bankAmount: Money.zero(), remark: '银行方无此账户' }),
      expect.objectContaining({ fundAccountNo: '1', currency: 'CNY', remark: '证券方无此账户' }),
    ]);
  });

  it('证券方无此账户: the broker’s amount 0; a zero-balance account the broker left out (dormant) is not reported', async () => {
    expect(await dif04([], [custody('7', '0.00'), custody('8', '1.00')])).toEqual([
      expect.objectContaining({ fundAccountNo: '8', branchId: null, customerName: '李四', brokerAmount: Money.zero(), bankAmount: Money.parse('1.00'), remark: '证券方无此账户' }),
    ]);
  });
});
