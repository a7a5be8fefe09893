import { Money } from '@custody/money';
import type {
  Chk01Record,
  Chk02Record,
  Chk03Record,
  Chk04Record,
  Dat01Record,
  Dat02Record,
  DatztRecord,
  Dif01Record,
  Dif02Record,
  Dif03Record,
  Dif04Record,
} from './day-file-records';
import type { DayFileRecord, DayFileType } from './day-file-types';

/**
 * One record per layout and its line as hand-checked bytes, for the golden tests. A line is written as its
 * fields: ASCII text (padding spelled out as `sp(n)`) and GB18030 characters as their hex codes, checked
 * against the GB2312 code table (张 D5C5, 三 C8FD, 李 C0EE, 四 CBC4, 王 CDF5; 𠀀 U+20000 is the 4-byte 95 32 82 36).
 */

/** `n` spaces. */
export function sp(n: number): string {
  return ' '.repeat(n);
}

/** GB18030 bytes given as hex. */
export function gb(hex: string): Buffer {
  return Buffer.from(hex.replace(/ /g, ''), 'hex');
}

/** The fields of a line joined by `|`, each a string of ASCII or the bytes of GB18030 text. */
export function line(...fields: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [];
  fields.forEach((field, index) => {
    if (index > 0) parts.push(Buffer.from('|'));
    if (typeof field === 'string' && !/^[\x20-\x7e]*$/.test(field)) throw new Error(`write non-ASCII as gb(): ${field}`);
    parts.push(typeof field === 'string' ? Buffer.from(field, 'latin1') : field);
  });
  return Buffer.concat(parts);
}

const ZHANG_SAN = gb('d5c5 c8fd'); // 张三
const LI_SI = gb('c0ee cbc4'); // 李四
const WANG_4BYTE = gb('cdf5 95328236'); // 王𠀀

/** F-4.2 S: a withdrawal the broker initiated; the bank's serial is known from its reply. */
export const CHK01_RECORD: Chk01Record = {
  bankInstId: '1021000',
  brokerInstId: '10270000',
  branchId: '0001',
  tradeDate: '2026-11-21',
  tradeTime: '09:30:05',
  clearingDate: '2026-11-21',
  bankSerialNo: '6612345678',
  brokerSerialNo: '20261121000000000001',
  bankAccountNo: '6222000000000001',
  fundAccountNo: '100000000001',
  customerName: '张三',
  initiator: 'S',
  functionCode: '12002',
  currency: 'CNY',
  cashExFlag: null,
  amount: Money.parse('123.45'),
};
export const CHK01_LINE = line(
  '1021000 ', // 银行机构代码 CHAR(8): a 7-digit bank code, left-aligned
  '10270000', // 券商机构代码 CHAR(8)
  '0001', // 证券机构分支号 CHAR(4)
  '20261121', // 交易日期
  '093005', // 交易时间
  '20261121', // 清算日期
  '6612345678' + sp(10), // 银行流水号 CHAR(20)
  '20261121000000000001', // 证券流水号 CHAR(20)
  '6222000000000001' + sp(16), // 客户银行结算账户账号 CHAR(32)
  '100000000001' + sp(2), // 证券资金台账账号 CHAR(14)
  Buffer.concat([ZHANG_SAN, Buffer.from(sp(28))]), // 客户名称 CHAR(32): 4 bytes + 28 spaces
  'S', // 发起方
  '12002', // 业务功能码
  'CNY', // 货币代码
  ' ', // 汇钞标志: a space for CNY
  '0000000000012345', // 转账金额 INT(16): 123.45 in fen
);

/** A relationship pre-designated (11002) in US dollars: no bank account yet. */
export const CHK02_RECORD: Chk02Record = {
  bankInstId: '1021000',
  brokerInstId: '10270000',
  branchId: '0001',
  tradeDate: '2026-11-21',
  bankAccountNo: null,
  fundAccountNo: '100000000002',
  customerName: '李四',
  currency: 'USD',
  cashExFlag: '1',
  status: '1',
};
export const CHK02_LINE = line(
  '1021000 ',
  '10270000',
  '0001',
  '20261121',
  sp(32), // 客户银行结算账户账号: blank
  '100000000002' + sp(2),
  Buffer.concat([LI_SI, Buffer.from(sp(28))]),
  'USD',
  '1', // 汇钞标志: 1 for any currency but CNY
  '1', // 存管状态: pre-designated
);

/** F-3.3 B: a designation the bank initiated, with the opening balance the broker replied; written by the bank. */
export const CHK03_RECORD: Chk03Record = {
  bankInstId: '1051000',
  brokerInstId: '10270000',
  branchId: null,
  tradeDate: '2026-11-21',
  tradeTime: '10:15:00',
  bankSerialNo: 'B0000000123',
  brokerSerialNo: null,
  custodyAccountNo: '9558800000000000001',
  bankAccountNo: '6217000000000009',
  fundAccountNo: '100000000003',
  customerName: '王𠀀',
  idType: '10',
  idNumber: '110101199003071234',
  initiator: 'B',
  functionCode: '11001',
  currency: 'CNY',
  cashExFlag: null,
  amount: Money.parse('5000.00'),
};
export const CHK03_LINE = line(
  '1051000 ',
  '10270000',
  sp(4), // 证券机构分支号: the bank leaves it blank
  '20261121',
  '101500',
  'B0000000123' + sp(9),
  sp(20), // 证券流水号: not known to the bank
  '9558800000000000001' + sp(3), // 存管账户 CHAR(22)
  '6217000000000009' + sp(16),
  '100000000003' + sp(2),
  Buffer.concat([WANG_4BYTE, Buffer.from(sp(26))]), // 2 + 4 bytes + 26 spaces
  '10', // 证件类型
  '110101199003071234' + sp(2), // 证件号码 CHAR(20)
  'B',
  '11001',
  'CNY',
  ' ',
  '0000000000500000', // 金额: the opening balance, 5000.00
);

export const CHK04_RECORD: Chk04Record = {
  bankInstId: '1021000',
  brokerInstId: '10270000',
  branchId: '0001',
  tradeDate: '2026-11-21',
  fundAccountNo: '100000000001',
  customerName: '张三',
  currency: 'CNY',
  cashExFlag: null,
  amount: Money.parse('4700.00'),
};
export const CHK04_LINE = line(
  '1021000 ',
  '10270000',
  '0001',
  '20261121',
  '100000000001' + sp(2),
  Buffer.concat([ZHANG_SAN, Buffer.from(sp(28))]),
  'CNY',
  ' ',
  '0000000000470000',
);

export const DIF04_RECORD: Dif04Record = {
  bankInstId: '1021000',
  brokerInstId: '10270000',
  branchId: '0001',
  date: '2026-11-21',
  currency: 'CNY',
  cashExFlag: null,
  fundAccountNo: '100000000001',
  customerName: '张三',
  brokerAmount: Money.parse('4700.00'),
  bankAmount: Money.parse('4690.00'),
  remark: '余额不符',
};
export const DIF04_LINE = line(
  '1021000 ',
  '10270000',
  '0001',
  '20261121', // 日期
  'CNY',
  ' ',
  '100000000001' + sp(2),
  Buffer.concat([ZHANG_SAN, Buffer.from(sp(28))]),
  '0000000000470000', // 证券公司金额
  '0000000000469000', // 银行金额
  Buffer.concat([gb('d3e0 b6ee b2bb b7fb'), Buffer.from(sp(24))]), // 备注信息 CHAR(32): 余额不符
);

/** An X break of CHK01 on `amount` (position 16): both sides listed the withdrawal, the bank for 123.40. */
export const DIF01_RECORD: Dif01Record = {
  reason: 'X',
  description: '金额不符',
  positions: [16],
  handlingCode: 'B0',
  broker: CHK01_RECORD,
  bank: { ...CHK01_RECORD, amount: Money.parse('123.40') },
};
export const DIF01_LINE = line(
  'X', // 对账异常原因代码
  Buffer.concat([gb('bdf0 b6ee b2bb b7fb'), Buffer.from(sp(52))]), // 对账异常原因描述 CHAR(60): 金额不符
  '16' + sp(38), // 对账异常发生字段的位置集合 CHAR(40)
  'B0', // 对账异常处理结果代码
  CHK01_LINE, // 证券方原始记录, with its own separators
  Buffer.concat([CHK01_LINE.subarray(0, CHK01_LINE.length - 16), Buffer.from('0000000000012340')]), // 银行方原始记录
);

/** A B break of CHK02: only the bank lists the relationship; the broker's side is spaces of the record's width. */
export const DIF02_RECORD: Dif02Record = {
  reason: 'B',
  description: null,
  positions: [],
  handlingCode: 'X0',
  broker: null,
  bank: CHK02_RECORD,
};
export const DIF02_LINE = line('B', sp(60), sp(40), 'X0', sp(CHK02_LINE.length), CHK02_LINE);

/** An S break of CHK03: only the broker lists the account function; the bank's side is spaces. */
export const DIF03_RECORD: Dif03Record = {
  reason: 'S',
  description: '银行方无此交易',
  positions: [],
  handlingCode: 'X0',
  broker: CHK03_RECORD,
  bank: null,
};
export const DIF03_LINE = line(
  'S',
  Buffer.concat([gb('d2f8 d0d0 b7bd cede b4cb bdbb d2d7'), Buffer.from(sp(46))]), // 银行方无此交易: 14 bytes
  sp(40),
  'X0',
  CHK03_LINE,
  sp(CHK03_LINE.length),
);

export const DAT01_RECORD: Dat01Record = {
  bankInstId: '1021000',
  brokerInstId: '10270000',
  branchId: '0001',
  tradeDate: '2026-12-21',
  brokerSerialNo: 'I20261221000001',
  fundAccountNo: '100000000001',
  customerName: '张三',
  interestType: '2',
  currency: 'CNY',
  cashExFlag: null,
  interest: Money.parse('12.34'),
  interestTax: Money.zero(),
};
export const DAT01_LINE = line(
  '1021000 ',
  '10270000',
  '0001',
  '20261221',
  'I20261221000001' + sp(5),
  '100000000001' + sp(2),
  Buffer.concat([ZHANG_SAN, Buffer.from(sp(28))]),
  '2', // 结息类型: batch
  'CNY',
  ' ',
  '0000000000001234', // 利息
  '0000000000000000', // 利息税
);

/** A net purchase: a negative INT, `-` inside the width. */
export const DAT02_RECORD: Dat02Record = {
  bankInstId: '1021000',
  brokerInstId: '10270000',
  branchId: '0001',
  tradeDate: '2026-11-21',
  fundAccountNo: '100000000001',
  customerName: '张三',
  currency: 'CNY',
  cashExFlag: null,
  amount: Money.parse('-1234.56', 'signed'),
};
export const DAT02_LINE = line(
  '1021000 ',
  '10270000',
  '0001',
  '20261121',
  '100000000001' + sp(2),
  Buffer.concat([ZHANG_SAN, Buffer.from(sp(28))]),
  'CNY',
  ' ',
  '-000000000123456', // 交收金额: -1234.56
);

export const DAT03_RECORD: DatztRecord = {
  brokerInstId: '10270000',
  settlementDate: '2026-11-21',
  settlementAccountNo: '1001000000000001',
  settlementAccountBank: '中国工商银行上海分行',
  counterpartyCode: null,
  counterpartyAccountNo: '3100000000000009',
  counterpartyAccountBank: null,
  currency: 'HKD',
  cashExFlag: '1',
  amount: Money.parse('-98765.43', 'signed'),
};
export const DAT03_LINE = line(
  '10270000',
  '20261121', // 交收日期
  '1001000000000001' + sp(16),
  Buffer.concat([gb('d6d0 b9fa b9a4 c9cc d2f8 d0d0 c9cf baa3 b7d6 d0d0'), Buffer.from(sp(40))]), // 中国工商银行上海分行: 20 bytes
  sp(8), // 对方交收主体代码: blank for a summary account
  '3100000000000009' + sp(16),
  sp(60),
  'HKD',
  '1',
  '-000000009876543',
);

/** Every layout of the profile with its golden record and line (DAT04–DAT06 share DAT03's). */
export const GOLDEN: readonly { readonly [T in DayFileType]: { readonly type: T; readonly record: DayFileRecord<T>; readonly line: Buffer } }[DayFileType][] = [
  { type: 'CHK01', record: CHK01_RECORD, line: CHK01_LINE },
  { type: 'CHK02', record: CHK02_RECORD, line: CHK02_LINE },
  { type: 'CHK03', record: CHK03_RECORD, line: CHK03_LINE },
  { type: 'CHK04', record: CHK04_RECORD, line: CHK04_LINE },
  { type: 'DIF01', record: DIF01_RECORD, line: DIF01_LINE },
  { type: 'DIF02', record: DIF02_RECORD, line: DIF02_LINE },
  { type: 'DIF03', record: DIF03_RECORD, line: DIF03_LINE },
  { type: 'DIF04', record: DIF04_RECORD, line: DIF04_LINE },
  { type: 'DAT01', record: DAT01_RECORD, line: DAT01_LINE },
  { type: 'DAT02', record: DAT02_RECORD, line: DAT02_LINE },
  { type: 'DAT03', record: DAT03_RECORD, line: DAT03_LINE },
  { type: 'DAT04', record: DAT03_RECORD, line: DAT03_LINE },
  { type: 'DAT05', record: DAT03_RECORD, line: DAT03_LINE },
  { type: 'DAT06', record: DAT03_RECORD, line: DAT03_LINE },
];
