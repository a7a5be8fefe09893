// Day files (bank-protocol.md §5, JR/T 0046 Appendix A)
export {
  ACCOUNT_FUNCTION_CODES,
  CUSTODY_STATUSES,
  DIF04_REMARKS,
  DIF_HANDLING_CODES,
  INTEREST_TYPES,
  TRANSFER_FUNCTION_CODES,
  cashExFlagFor,
} from './day-file-records';
export type {
  AccountFunctionCode,
  CashExFlag,
  Chk01Record,
  Chk02Record,
  Chk03Record,
  Chk04Record,
  CustodyStatus,
  Dat01Record,
  Dat02Record,
  DatztRecord,
  Dif01Record,
  Dif02Record,
  Dif03Record,
  Dif04Record,
  Dif04Remark,
  DifHandlingCode,
  DifReason,
  DifRecord,
  Initiator,
  InterestType,
  TransferFunctionCode,
} from './day-file-records';
export {
  COMPARED_FIELDS,
  DAY_FILE_FIELDS,
  DAY_FILE_TYPES,
  FIELD_POSITIONS,
  decodeDayFileLine,
  encodeDayFileLine,
  isDayFileType,
} from './day-file-types';
export type { CheckFileType, DayFileField, DayFileRecord, DayFileRecords, DayFileType } from './day-file-types';
export { dayFileName, parseDayFileName } from './file-name';
export type { DayFileName, DayFileSide } from './file-name';
export { readDayFile, writeDayFile } from './day-file-stream';
export type { DayFileOptions, DayFileOutput, DayFileReading } from './day-file-stream';
export { FileMacMeter } from './file-mac';
export type { FileMeasure } from './file-mac';
export { DayFileError } from './day-file-error';
export type { DayFileDefect } from './day-file-error';
export { differingFields, matchKeyOf } from './day-file-comparison';
