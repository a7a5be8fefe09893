import { type Chk01Record, type Chk02Record, type Chk03Record, type DayFileRecords, type DayFileType, type Dif04Record, writeDayFile } from '@custody/bank-protocol';
import { Money } from '@custody/money';

export const BROKER_INST = '10000001';

/** A CHK01 record of bank A's day; tests change only what they are about. */
export function transferRecord(overrides: Partial<Chk01Record> & Pick<Chk01Record, 'initiator'>, businessDate = '2026-11-23'): Chk01Record {
  const serial = overrides.initiator === 'B' ? { bankSerialNo: overrides.bankSerialNo ?? 'B0001', brokerSerialNo: overrides.brokerSerialNo ?? null } : { brokerSerialNo: overrides.brokerSerialNo ?? 'S0001', bankSerialNo: overrides.bankSerialNo ?? null };
  return {
    bankInstId: '1021000',
    brokerInstId: BROKER_INST,
    branchId: '0001',
    tradeDate: businessDate,
    tradeTime: '10:00:00',
    clearingDate: businessDate,
    bankAccountNo: '6222000000000001',
    fundAccountNo: '100000000001',
    customerName: '张三',
    functionCode: '12001',
    currency: 'CNY',
    cashExFlag: null,
    amount: Money.parse('100.00'),
    ...overrides,
    ...serial,
  };
}

export function relationshipRecord(overrides: Partial<Chk02Record> = {}, businessDate = '2026-11-23'): Chk02Record {
  return {
    bankInstId: '1021000',
    brokerInstId: BROKER_INST,
    branchId: '0001',
    tradeDate: businessDate,
    bankAccountNo: '6222000000000001',
    fundAccountNo: '100000000001',
    customerName: '张三',
    currency: 'CNY',
    cashExFlag: null,
    status: '0',
    ...overrides,
  };
}

export function accountFunctionRecord(overrides: Partial<Chk03Record> & Pick<Chk03Record, 'initiator'>, businessDate = '2026-11-23'): Chk03Record {
  return {
    bankInstId: '1021000',
    brokerInstId: BROKER_INST,
    branchId: '0001',
    tradeDate: businessDate,
    tradeTime: '09:00:00',
    bankSerialNo: overrides.initiator === 'B' ? 'BA001' : null,
    brokerSerialNo: overrides.initiator === 'S' ? 'SA001' : null,
    custodyAccountNo: 'K0001',
    bankAccountNo: '6222000000000001',
    fundAccountNo: '100000000001',
    customerName: '张三',
    idType: '10',
    idNumber: '110101199003071234',
    functionCode: '11001',
    currency: 'CNY',
    cashExFlag: null,
    amount: Money.parse('0', 'non-negative'),
    ...overrides,
  };
}

export function balanceLine(overrides: Partial<Dif04Record> & Pick<Dif04Record, 'remark'>, businessDate = '2026-11-23'): Dif04Record {
  return {
    bankInstId: '1021000',
    brokerInstId: BROKER_INST,
    branchId: null,
    date: businessDate,
    currency: 'CNY',
    cashExFlag: null,
    fundAccountNo: '100000000001',
    customerName: '张三',
    brokerAmount: Money.parse('100.00', 'non-negative'),
    bankAmount: Money.parse('90.00', 'non-negative'),
    ...overrides,
  };
}

/** A day file's `.gz` bytes, written by the codec. */
export async function gzipOf<T extends DayFileType>(type: T, records: Iterable<DayFileRecords[T]> | AsyncIterable<DayFileRecords[T]>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of writeDayFile(type, records)) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
