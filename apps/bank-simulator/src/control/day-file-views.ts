import type { Chk03Record, DayFileRecords, DayFileType, Dif03Record } from '@custody/bank-protocol';
import type { HeldDayFile } from '../day-close/bank-day-files';

/**
 * JSON of the bank's day files: a record is the codec's record, which serialises as api.md's view of it (dates
 * `YYYY-MM-DD`, amounts decimal strings, a blank field `null`), except that an ID number leaves the bank only
 * masked (`idNumberMasked`, as api.md shows CHK03), like everywhere else in the control API.
 */

export function heldDayFileView(file: HeldDayFile) {
  return {
    fileName: file.fileName,
    side: file.side,
    type: file.type,
    businessDate: file.businessDate,
    origin: file.origin,
    busCode: file.busCode,
    fileLen: file.fileLen,
    fileMac: file.fileMac,
    fileTime: file.fileTime,
  };
}

function masked(idNumber: string | null): string | null {
  return idNumber === null ? null : `************${idNumber.slice(-4)}`;
}

function accountFunctionView(record: Chk03Record | null) {
  if (record === null) return null;
  const { idNumber, ...rest } = record;
  return { ...rest, idNumberMasked: masked(idNumber) };
}

export function dayFileRecordView(type: DayFileType, record: DayFileRecords[DayFileType]): unknown {
  if (type === 'CHK03') return accountFunctionView(record as Chk03Record);
  if (type === 'DIF03') {
    const dif = record as Dif03Record;
    return { ...dif, broker: accountFunctionView(dif.broker), bank: accountFunctionView(dif.bank) };
  }
  return record;
}
