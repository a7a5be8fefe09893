import { gunzipSync } from 'node:zlib';
import { Money } from '@custody/money';
import {
  CHK01_LINE,
  CHK01_RECORD,
  CHK02_LINE,
  CHK02_RECORD,
  CHK03_LINE,
  CHK03_RECORD,
  DAT02_RECORD,
  DIF01_LINE,
  DIF02_LINE,
  GOLDEN,
  gb,
  line,
  sp,
} from './day-file-fixtures';
import { COMPARED_FIELDS, DAY_FILE_FIELDS, DAY_FILE_TYPES, decodeDayFileLine, encodeDayFileLine, FIELD_POSITIONS } from './day-file-types';
import { readDayFile, writeDayFile } from './day-file-stream';
import type { Chk01Record } from './day-file-records';

/** A record as api.md shows it: Money as its decimal string, blanks as null. */
function plain(record: unknown): unknown {
  return JSON.parse(JSON.stringify(record));
}

async function gzipOf(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function fieldNamesAndWidths(type: keyof typeof DAY_FILE_FIELDS): string {
  return DAY_FILE_FIELDS[type].map((field) => `${field.label} ${field.kind}(${field.width})`).join(' | ');
}

describe('day-file layouts (bank-protocol.md §5, JR/T 0046 A.3–A.11)', () => {
  it('bank-protocol.md §5: every file type of the profile has a golden line', () => {
    expect(GOLDEN.map((golden) => golden.type)).toEqual([...DAY_FILE_TYPES]);
  });

  it.each(GOLDEN.map((golden) => [golden.type, golden] as const))(
    'A.1: a %s record is written as its hand-checked line and read back to the same record',
    async (type, golden) => {
      expect(encodeDayFileLine(golden.type, golden.record as never).toString('hex')).toBe(golden.line.toString('hex'));
      expect(plain(decodeDayFileLine(golden.type, golden.line))).toEqual(plain(golden.record));

      // And through the streaming writer and reader: the file is exactly the line and its \n, gzip-compressed.
      const gz = await gzipOf(writeDayFile(golden.type, [golden.record as never]));
      expect(gunzipSync(gz).toString('hex')).toBe(Buffer.concat([golden.line, Buffer.from('\n')]).toString('hex'));
      const read: unknown[] = [];
      for await (const record of readDayFile(type, gz)) read.push(record);
      expect(read.map(plain)).toEqual([plain(golden.record)]);
    },
  );

  it('A.3–A.11: the widths are the record tables\', 客户名称 CHAR(32) and 证券资金台账账号 CHAR(14) everywhere', () => {
    expect(fieldNamesAndWidths('CHK01')).toBe(
      '银行机构代码 CHAR(8) | 券商机构代码 CHAR(8) | 证券机构分支号 CHAR(4) | 交易日期 CHAR(8) | 交易时间 CHAR(6) | 清算日期 CHAR(8) | ' +
        '银行流水号 CHAR(20) | 证券流水号 CHAR(20) | 客户银行结算账户账号 CHAR(32) | 证券资金台账账号 CHAR(14) | 客户名称 CHAR(32) | ' +
        '发起方 CHAR(1) | 业务功能码 CHAR(5) | 货币代码 CHAR(3) | 汇钞标志 CHAR(1) | 转账金额 INT(16)',
    );
    const widthsOf = (label: string): number[] =>
      Object.values(DAY_FILE_FIELDS).flatMap((fields) => fields.filter((field) => field.label === label).map((field) => field.width));
    expect(new Set(widthsOf('客户名称'))).toEqual(new Set([32]));
    expect(new Set(widthsOf('证券资金台账账号'))).toEqual(new Set([14]));
    expect(CHK01_LINE).toHaveLength(201);
    expect(CHK02_LINE).toHaveLength(120);
    expect(CHK03_LINE).toHaveLength(239);
  });

  it('bank-protocol.md §5: the compared fields and their 1-based positions, which DIF positions use', () => {
    expect(COMPARED_FIELDS.CHK01.map((name) => FIELD_POSITIONS.CHK01[name])).toEqual([9, 10, 13, 14, 16]);
    expect(COMPARED_FIELDS.CHK02.map((name) => FIELD_POSITIONS.CHK02[name])).toEqual([5, 10]);
    expect(COMPARED_FIELDS.CHK03.map((name) => FIELD_POSITIONS.CHK03[name])).toEqual([9, 10, 15, 16, 18]);
    expect(COMPARED_FIELDS.CHK04.map((name) => FIELD_POSITIONS.CHK04[name])).toEqual([9]);
    expect(DAY_FILE_FIELDS.CHK01[FIELD_POSITIONS.CHK01.amount - 1].label).toBe('转账金额');
  });

  describe('客户名称: counted in GB18030 bytes, cut only at a character boundary', () => {
    const name = (customerName: string): Buffer => {
      const written = encodeDayFileLine('CHK01', { ...CHK01_RECORD, customerName });
      return written.subarray(138, 170);
    };

    it('bank-protocol.md §5: 17 two-byte characters (34 bytes) are cut to 16 (32 bytes)', () => {
      expect(name('欧'.repeat(17)).toString('hex')).toBe('c5b7'.repeat(16));
    });

    it('bank-protocol.md §5: a 2-byte character that would end past byte 32 is dropped whole and the byte left is a space', () => {
      expect(name(`A${'欧'.repeat(16)}`).toString('hex')).toBe(`41${'c5b7'.repeat(15)}20`);
    });

    it('bank-protocol.md §5: a 4-byte character (𠀀) is never split: 30 bytes of name and two spaces', () => {
      expect(name(`${'欧'.repeat(15)}𠀀`).toString('hex')).toBe(`${'c5b7'.repeat(15)}2020`);
      expect(name(`${'欧'.repeat(14)}𠀀`).toString('hex')).toBe(`${'c5b7'.repeat(14)}95328236`);
    });

    it('bank-protocol.md §5: a cut name reads back as the cut name, and writes back the same bytes', () => {
      const written = encodeDayFileLine('CHK01', { ...CHK01_RECORD, customerName: `${'欧'.repeat(15)}𠀀` });
      const read = decodeDayFileLine('CHK01', written);
      expect(read.customerName).toBe('欧'.repeat(15));
      expect(encodeDayFileLine('CHK01', read).equals(written)).toBe(true);
    });

    it('A.1 b: a character whose second byte is 0x7C (亅, 81 7C) stays in its field: fields are found by walking characters, not by searching for |', () => {
      const written = encodeDayFileLine('CHK01', { ...CHK01_RECORD, customerName: '亅亅' });
      expect(written.subarray(138, 142).toString('hex')).toBe('817c817c');
      expect(decodeDayFileLine('CHK01', written).customerName).toBe('亅亅');
    });
  });

  describe('INT fields: right-aligned, zero-padded, a leading - inside the width', () => {
    const amountField = (amount: Money): string => encodeDayFileLine('DAT02', { ...DAT02_RECORD, amount }).subarray(-16).toString('latin1');

    it('A.1 c, d: fen, zero-padded to 16 digits; a negative amount has its - in the first byte', () => {
      expect(amountField(Money.parse('0.05'))).toBe('0000000000000005');
      expect(amountField(Money.parse('-0.05', 'signed'))).toBe('-000000000000005');
      expect(amountField(Money.parse('0', 'signed'))).toBe('0000000000000000');
      expect(amountField(Money.parse('99999999999999.99'))).toBe('9999999999999999');
      expect(amountField(Money.parse('-9999999999999.99', 'signed'))).toBe('-999999999999999');
    });

    it('A.1 d: a negative INT reads back to the same Money and the same bytes', () => {
      const written = encodeDayFileLine('DAT02', { ...DAT02_RECORD, amount: Money.parse('-9999999999999.99', 'signed') });
      const read = decodeDayFileLine('DAT02', written);
      expect(read.amount.toString()).toBe('-9999999999999.99');
      expect(encodeDayFileLine('DAT02', read).equals(written)).toBe(true);
    });
  });

  describe('DIF01–DIF03 (table A.8)', () => {
    it('A.8: a DIF line is the four fields, then each side\'s record in its CHKxx layout with its own separators', () => {
      const fields = DIF01_LINE.toString('latin1').split('|');
      expect(fields).toHaveLength(4 + 16 + 16);
      expect(DIF01_LINE).toHaveLength(1 + 60 + 40 + 2 + 2 * CHK01_LINE.length + 5);
    });

    it('bank-protocol.md §5: the side that has no record writes spaces of the record\'s full width, and reads as null', () => {
      expect(DIF02_LINE.toString('latin1')).toBe(`B|${sp(60)}|${sp(40)}|X0|${sp(120)}|${CHK02_LINE.toString('latin1')}`);
      const read = decodeDayFileLine('DIF02', DIF02_LINE);
      expect(read.broker).toBeNull();
      expect(plain(read.bank)).toEqual(plain(CHK02_RECORD));
      expect(read.positions).toEqual([]);
    });

    it('A.8: positions are the differing fields\' 1-based positions, comma-separated', () => {
      const bank: Chk01Record = { ...CHK01_RECORD, bankAccountNo: '6222000000000009', amount: Money.parse('1.00') };
      const written = encodeDayFileLine('DIF01', { reason: 'X', description: null, positions: [9, 16], handlingCode: 'B0', broker: CHK01_RECORD, bank });
      expect(written.subarray(63, 103).toString('latin1')).toBe(`9,16${sp(36)}`);
      expect(decodeDayFileLine('DIF01', written).positions).toEqual([9, 16]);
    });

    it('A.8: the description is free text cut at a character boundary to 60 bytes', () => {
      const written = encodeDayFileLine('DIF03', {
        reason: 'S',
        description: '王'.repeat(31),
        positions: [],
        handlingCode: 'X0',
        broker: CHK03_RECORD,
        bank: null,
      });
      expect(written.subarray(2, 62).toString('hex')).toBe('cdf5'.repeat(30));
      expect(line('S', gb('cdf5'.repeat(30)), sp(40), 'X0', CHK03_LINE, sp(CHK03_LINE.length)).equals(written)).toBe(true);
    });
  });
});
