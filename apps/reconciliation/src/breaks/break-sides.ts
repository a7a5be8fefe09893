import type { CheckFileType, Chk03Record, DayFileRecords, Dif04Record } from '@custody/bank-protocol';

/** A break's `broker` or `bank`: that side's record as api.md shows it (JSON of the codec's record). */
export type BreakSide = Record<string, unknown>;

/** An ID number shown to operators: its last four characters, the rest as `*` (domain.md §14). */
export function maskIdNumber(idNumber: string): string {
  return idNumber.length <= 4 ? '*'.repeat(idNumber.length) : `${'*'.repeat(idNumber.length - 4)}${idNumber.slice(-4)}`;
}

/**
 * The JSON of a record for the API: the codec's records are api.md's view already (dates, times, amounts as
 * decimal strings, blanks `null`), except CHK03's ID number, which only ever leaves this service masked.
 */
export function breakSide<T extends CheckFileType>(type: T, record: DayFileRecords[T]): BreakSide {
  const json = JSON.parse(JSON.stringify(record)) as BreakSide;
  if (type !== 'CHK03') return json;
  const { idNumber, ...rest } = json as BreakSide & Pick<Chk03Record, 'idNumber'>;
  const ordered: BreakSide = {};
  for (const [key, value] of Object.entries(rest)) {
    ordered[key] = value;
    if (key === 'idType') ordered.idNumberMasked = idNumber === null ? null : maskIdNumber(idNumber);
  }
  return ordered;
}

/** A DIF04 line as a CHK04 break (api.md: `S` the bank lacks the account, `B` we lack it, `X` the amounts differ). */
export interface BalanceBreak {
  readonly reason: 'B' | 'S' | 'X';
  readonly fundAccountNo: string;
  readonly currency: Dif04Record['currency'];
  readonly differingFields: readonly string[];
  readonly broker: BreakSide | null;
  readonly bank: BreakSide | null;
  readonly description: string;
}

export function balanceBreakOf(line: Dif04Record): BalanceBreak {
  const side = (amount: Dif04Record['bankAmount'], customerName: string | null): BreakSide => ({
    bankInstId: line.bankInstId,
    brokerInstId: line.brokerInstId,
    branchId: line.branchId,
    tradeDate: line.date,
    fundAccountNo: line.fundAccountNo,
    customerName,
    currency: line.currency,
    cashExFlag: line.cashExFlag,
    amount: amount.toString(),
  });
  // DIF04 carries the bank's record of the name only; the broker's side shows none rather than the bank's.
  const broker = side(line.brokerAmount, null);
  const bank = side(line.bankAmount, line.customerName);
  const common = { fundAccountNo: line.fundAccountNo, currency: line.currency };
  const balances = `broker ${line.brokerAmount.toString()}, bank ${line.bankAmount.toString()} (${line.remark})`;
  switch (line.remark) {
    case '银行方无此账户':
      return { ...common, reason: 'S', differingFields: [], broker, bank: null, description: `CHK04: the bank has no custody account for fund account ${line.fundAccountNo}: ${balances}` };
    case '证券方无此账户':
      return { ...common, reason: 'B', differingFields: [], broker: null, bank, description: `CHK04: the broker has no fund ledger ${line.fundAccountNo}: ${balances}` };
    case '余额不符':
      return { ...common, reason: 'X', differingFields: ['amount'], broker, bank, description: `CHK04: the balances of fund account ${line.fundAccountNo} differ: ${balances}` };
  }
}
