import {
  beijingDateTime,
  DAY_FILE_BUSINESS_CODES,
  dayFileName,
  type DayFileRecord,
  type DayFileSide,
  type DayFileType,
  type FileDescription,
  InMemoryFileStore,
  type LocalFile,
  parseDayFileName,
  readDayFile,
  writeDayFile,
} from '@custody/bank-protocol';

/**
 * The bank's day files, in memory like the rest of its books: its own (`B_…`, written here, sent and served to
 * the broker's 13006/13007) and those the broker sent it (`S_…`, kept by the receiver). Two stores, since a side
 * serves only its own files (profile §5 step 3).
 */

/** `OWN`: written by the bank; `RECEIVED`: sent (or pushed) to it by the broker. */
export type DayFileOrigin = 'OWN' | 'RECEIVED';

export interface HeldDayFile extends FileDescription {
  readonly side: DayFileSide;
  readonly type: DayFileType;
  /** `YYYY-MM-DD`, the date the file lists. */
  readonly businessDate: string;
  readonly origin: DayFileOrigin;
}

export interface DayFileContent {
  readonly file: HeldDayFile;
  readonly content: Buffer;
}

function compactDate(businessDate: string): string {
  return businessDate.replace(/-/g, '');
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces);
}

function held(file: FileDescription, origin: DayFileOrigin): HeldDayFile | undefined {
  try {
    const name = parseDayFileName(file.fileName);
    return { ...file, side: name.side, type: name.type, businessDate: name.businessDate, origin };
  } catch {
    // A file the broker named outside the profile is held (the receiver took it) but is no day file of ours.
    return undefined;
  }
}

export class BankDayFiles {
  /** The bank's own files: the source its 13006/13007 answers serve. */
  readonly own = new InMemoryFileStore();
  /** What the broker sent: the sink the receiver writes to. */
  readonly received = new InMemoryFileStore();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** Writes one of the bank's files of D (a new version replaces the old) and returns it, ready to send. */
  async write<T extends DayFileType>(type: T, businessDate: string, records: Iterable<DayFileRecord<T>> | AsyncIterable<DayFileRecord<T>>): Promise<LocalFile> {
    const fileName = dayFileName('B', type, businessDate);
    const content = await collect(writeDayFile(type, records, { fileName }));
    const now = beijingDateTime(this.clock());
    const fields = { busCode: DAY_FILE_BUSINESS_CODES[type], busDate: compactDate(businessDate), fileName, fileTime: `${now.date}${now.time}` };
    return this.own.add(fields, content);
  }

  /** Both sides' files of a date, by name. */
  list(businessDate: string): HeldDayFile[] {
    const busDate = compactDate(businessDate);
    return [
      ...this.own.list(busDate).flatMap((file) => held(file, 'OWN') ?? []),
      ...this.received.list(busDate).flatMap((file) => held(file, 'RECEIVED') ?? []),
    ].sort((a, b) => a.fileName.localeCompare(b.fileName));
  }

  /** A file held under this name (the bank's own first), with its `.gz` bytes. */
  async content(fileName: string): Promise<DayFileContent | undefined> {
    for (const [store, origin] of [
      [this.own, 'OWN'],
      [this.received, 'RECEIVED'],
    ] as const) {
      const description = await store.find(fileName);
      const file = description && held(description, origin);
      const content = file && (await store.content(fileName));
      if (file && content) return { file, content };
    }
    return undefined;
  }

  /** The records of a file held, read as the codec reads any day file. */
  async records<T extends DayFileType>(type: T, fileName: string): Promise<AsyncIterable<DayFileRecord<T>> | undefined> {
    const file = await this.content(fileName);
    return file && readDayFile(type, file.content, { fileName });
  }

  /** The records of a file held, of whatever type its name says. */
  readContent(held: DayFileContent): AsyncIterable<DayFileRecord<DayFileType>> {
    return readDayFile(held.file.type, held.content, { fileName: held.file.fileName });
  }
}
