import { DAY_FILE_BUSINESS_CODES, DayFileError, parseDayFileName } from '@custody/bank-protocol';
import { type DayFileDescriptor, dayFileDescriptorSchema, type DayFileTypeName } from '@custody/contracts';
import { DomainError } from '@custody/service-kit';

/** What a day file's name says: whose it is, which file, of which date (bank-protocol.md §5). */
export interface NamedDayFile {
  readonly fileName: string;
  readonly side: 'S' | 'B';
  readonly type: DayFileTypeName;
  readonly businessDate: string;
}

/** A name `{S|B}_{TYPE}_{YYYYMMDD}.gz` of the profile, or VALIDATION_FAILED naming what is wrong with it. */
export function namedDayFile(fileName: string): NamedDayFile {
  try {
    const { side, type, businessDate } = parseDayFileName(fileName);
    return { fileName, side, type, businessDate };
  } catch (error) {
    if (error instanceof DayFileError) throw new DomainError('VALIDATION_FAILED', error.message);
    throw error;
  }
}

/** §7.22: the `BusCode` a file of this type travels under (CHK01 0001 … DIF04 0007, DIF01–03 0008). */
export function busCodeOf(type: DayFileTypeName): string {
  return DAY_FILE_BUSINESS_CODES[type];
}

/** The descriptor 13008 and 13005 announce, checked against the contract's schema. */
export function dayFileDescriptor(file: NamedDayFile, fields: { busCode: string; fileLen: number; fileMac: string; fileTime: string }): DayFileDescriptor {
  return dayFileDescriptorSchema.parse({ fileName: file.fileName, side: file.side, type: file.type, businessDate: file.businessDate, ...fields });
}

/** `YYYYMMDDHHMMSS` in China time (bank-protocol.md §5: times in files are the writer's clock, China time). */
export function chinaFileTime(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}
