import { DAY_FILE_FIELDS, type DayFileRecords, type DifHandlingCode, type DifRecord, differingFields, FIELD_POSITIONS, matchKeyOf } from '@custody/bank-protocol';

/**
 * The bank's DIF01–03 (bank-protocol.md §5, table A.8): the broker's CHK01–03 compared with the bank's own by
 * the codec's rules (`matchKeyOf`, `differingFields`), so the bank and the broker's reconciliation reach the
 * same breaks. `S`: only the broker has the record; `B`: only the bank; `X`: both, compared fields differ, with
 * their 1-based positions in the CHKxx layout. Handling code `B0` on every DIF01 record (the broker adjusts to
 * the bank's), `X0` on DIF02/DIF03.
 *
 * The broker's file is read as a stream against the bank's records, which the bank holds anyway (its books
 * are in memory): broker records first in their order, then the bank's unmatched ones in theirs.
 */

export type DetailFileType = 'CHK01' | 'CHK02' | 'CHK03';

const HANDLING_CODE: Readonly<Record<DetailFileType, DifHandlingCode>> = { CHK01: 'B0', CHK02: 'X0', CHK03: 'X0' };

/** 对账异常原因描述 (CHAR 60, free text): what a reader of the file needs, in the standard's words. */
const ONLY_BANK = '证券方无此记录';
const ONLY_BROKER = '银行方无此记录';

function mismatchDescription<T extends DetailFileType>(type: T, fields: readonly string[]): string {
  const labels = fields.map((name) => DAY_FILE_FIELDS[type].find((field) => field.name === name)?.label ?? name);
  return `字段不符:${labels.join(',')}`;
}

export async function* detailDifferences<T extends DetailFileType>(
  type: T,
  broker: Iterable<DayFileRecords[T]> | AsyncIterable<DayFileRecords[T]>,
  bank: readonly DayFileRecords[T][],
): AsyncGenerator<DifRecord<DayFileRecords[T]>> {
  // The bank's keys are unique: a serial is issued once (CHK01/CHK03), a relationship listed once (CHK02).
  const unmatched = new Map(bank.map((record) => [matchKeyOf(type, record), record] as const));
  const handlingCode = HANDLING_CODE[type];
  const positions = FIELD_POSITIONS[type] as Readonly<Record<string, number>>;
  for await (const brokerRecord of broker) {
    const key = matchKeyOf(type, brokerRecord);
    const bankRecord = unmatched.get(key);
    if (bankRecord === undefined) {
      yield { reason: 'S', description: ONLY_BROKER, positions: [], handlingCode, broker: brokerRecord, bank: null };
      continue;
    }
    unmatched.delete(key);
    const differing = differingFields(type, brokerRecord, bankRecord);
    if (differing.length === 0) continue;
    yield {
      reason: 'X',
      description: mismatchDescription(type, differing),
      positions: differing.map((name) => positions[name]),
      handlingCode,
      broker: brokerRecord,
      bank: bankRecord,
    };
  }
  for (const bankRecord of unmatched.values()) {
    yield { reason: 'B', description: ONLY_BANK, positions: [], handlingCode, broker: null, bank: bankRecord };
  }
}
