import { DAY_FILE_BUSINESS_CODES, type DayFileType, type FileDescription, parseDayFileName } from '@custody/bank-protocol';
import { type DayFileDescriptor, dayFileDescriptorSchema } from '@custody/contracts';
import { compactDate } from '@custody/service-kit';

/** Whose a day file is: `S` ours (the broker's), `B` the bank's (bank-protocol.md §5 file names). */
export type DayFileSide = 'S' | 'B';

interface NamedFile {
  readonly side: DayFileSide;
  readonly type: DayFileType;
  /** YYYY-MM-DD */
  readonly businessDate: string;
}

/** The name's side, type and date, or undefined when it is no day-file name of the profile. */
export function namedFile(fileName: string): NamedFile | undefined {
  try {
    return parseDayFileName(fileName);
  } catch {
    return undefined;
  }
}

export function isFileOf(side: DayFileSide, fileName: string): boolean {
  return namedFile(fileName)?.side === side;
}

/**
 * The contracts' descriptor of a whole file as the engine describes it (13008, 13006, 13005). The
 * `FileMac` is kept in uppercase whatever case the bank wrote it in: it names the same digest. Throws when
 * the name is no day-file name, which the callers have checked before anything was stored.
 */
export function descriptorOf(file: FileDescription): DayFileDescriptor {
  const named = parseDayFileName(file.fileName);
  return dayFileDescriptorSchema.parse({
    fileName: file.fileName,
    side: named.side,
    type: named.type,
    businessDate: named.businessDate,
    busCode: file.busCode,
    fileLen: file.fileLen,
    fileMac: file.fileMac.toUpperCase(),
    fileTime: file.fileTime,
  });
}

/** The engine's description of a file the reconciliation service holds. */
export function fileDescriptionOf(descriptor: DayFileDescriptor): FileDescription {
  return {
    busCode: busCodeOf(descriptor.type),
    busDate: compactDate(descriptor.businessDate),
    fileName: descriptor.fileName,
    fileLen: descriptor.fileLen,
    fileMac: descriptor.fileMac,
    fileTime: descriptor.fileTime,
  };
}

/** §7.22 as the profile assigns it (CHK01 `0001`, …, DIF01–03 `0008`). */
export function busCodeOf(type: DayFileType): FileDescription['busCode'] {
  return DAY_FILE_BUSINESS_CODES[type];
}

/**
 * Why a file the bank announces by 13008 cannot be one of its day files, if it cannot: the name must be a
 * `B_` day-file name (the bank sends only its own files, and a file named `S_` would overwrite one of ours
 * where the files are kept), and its `BusDate` and `BusCode` must be the ones that name says.
 */
export function bankFileRefusal(announced: { readonly fileName: string; readonly busDate?: string; readonly busCode?: string }): string | undefined {
  const named = namedFile(announced.fileName);
  if (!named) return `${announced.fileName}: not a day-file name {S|B}_{TYPE}_{YYYYMMDD}.gz`;
  if (named.side !== 'B') return `${announced.fileName}: the bank sends only its own (B_) files`;
  if (announced.busDate !== compactDate(named.businessDate)) return `${announced.fileName}: BusDate ${announced.busDate ?? ''} is not the date its name gives`;
  if (announced.busCode !== busCodeOf(named.type)) return `${announced.fileName}: BusCode ${announced.busCode ?? ''}, ${named.type} travels as ${busCodeOf(named.type)}`;
  return undefined;
}
