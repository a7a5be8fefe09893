import { DayFileError } from './day-file-error';
import { type DayFileType, isDayFileType } from './day-file-types';
import { isCalendarDay } from './field-types';

/** Who wrote a day file (A.1 f): `S` the securities firm, `B` the bank. */
export type DayFileSide = 'S' | 'B';

export interface DayFileName {
  readonly side: DayFileSide;
  readonly type: DayFileType;
  /** The business date D the file lists, `YYYY-MM-DD`. */
  readonly businessDate: string;
}

const NAME = /^([SB])_([A-Z]{3}\d{2})_(\d{4})(\d{2})(\d{2})\.gz$/;
const BUSINESS_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `{S|B}_{TYPE}_{YYYYMMDD}.gz` (A.1 f, g; bank-protocol.md §5), e.g. `S_CHK01_20261121.gz`. */
export function dayFileName(side: DayFileSide, type: DayFileType, businessDate: string): string {
  const date = BUSINESS_DATE.exec(businessDate);
  if (side !== 'S' && side !== 'B') throw new DayFileError('FILE_NAME', `${String(side)}_${type}`, 'the side must be S or B');
  if (!isDayFileType(type)) throw new DayFileError('FILE_NAME', String(type), 'not a day-file type of the profile');
  if (!date || !isCalendarDay(Number(date[1]), Number(date[2]), Number(date[3]))) {
    throw new DayFileError('FILE_NAME', `${side}_${type}`, `"${businessDate}" is not a YYYY-MM-DD business date`);
  }
  return `${side}_${type}_${date[1]}${date[2]}${date[3]}.gz`;
}

/** The strict reverse of `dayFileName`: anything else (case, separators, a date that is no day) is refused. */
export function parseDayFileName(name: string): DayFileName {
  const match = NAME.exec(name);
  if (!match) throw new DayFileError('FILE_NAME', name, 'not a day-file name {S|B}_{TYPE}_{YYYYMMDD}.gz');
  const [, side, type, year, month, day] = match;
  if (!isDayFileType(type)) throw new DayFileError('FILE_NAME', name, `${type} is not a day-file type of the profile`);
  if (!isCalendarDay(Number(year), Number(month), Number(day))) throw new DayFileError('FILE_NAME', name, `${year}${month}${day} is not a date`);
  return { side: side as DayFileSide, type, businessDate: `${year}-${month}-${day}` };
}
