import { createHash, type Hash } from 'node:crypto';
import type { FileBusinessCode } from '../code-lists';
import type { FileInfo } from '../components';

/**
 * A whole day file as profile §5 describes it on the wire (`FileInfo` of 13008 and 13005). The bytes
 * are those of the `.gz`: `fileLen` counts them, `fileMac` is their SM3 digest in uppercase hex.
 */
export interface FileDescription {
  readonly busCode: FileBusinessCode;
  /** YYYYMMDD, the business date D the file is of. */
  readonly busDate: string;
  /** `{S|B}_{TYPE}_{YYYYMMDD}.gz`; a side holds one file per name (a new version replaces the old). */
  readonly fileName: string;
  readonly fileLen: number;
  readonly fileMac: string;
  /** YYYYMMDDHHMMSS on the writer's clock; informative. */
  readonly fileTime: string;
}

/**
 * A file this side holds and can send or serve: its description and its bytes, which can be read from
 * any position, any number of times (a whole-file re-send reads them again), in pieces of any size.
 * Reading is streamed: nothing here needs the whole file in memory.
 */
export interface LocalFile extends FileDescription {
  bytes(position?: number): AsyncIterable<Uint8Array>;
}

/** This side's own files, served to the peer's 13006/13007 (profile §5 step 3: a side serves only its own). */
export interface FileSource {
  find(fileName: string): Promise<LocalFile | undefined>;
}

/**
 * Where a receiver keeps the files it is sent or fetches: in memory in tests and the simulator,
 * PostgreSQL in production. A file arrives as `begin` (after its 13008 or 13006), `append` for each
 * chunk in order, exactly once, then `commit` once its length, `FileMac` and gzip were verified, or
 * `discard`. Only committed files are ever `find`-able, and a commit replaces a file of the same name.
 */
export interface FileSink {
  begin(file: FileDescription): Promise<FileSinkWriter>;
  find(fileName: string): Promise<FileDescription | undefined>;
}

export interface FileSinkWriter {
  append(data: Buffer): Promise<void>;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/** Profile §5: `FileMac` is the SM3 digest of the whole `.gz` — the library's SM3, as its HMAC-SM3 uses. */
export class FileDigest {
  private readonly hash: Hash = createHash('sm3');
  private length = 0;

  update(data: Uint8Array): void {
    this.hash.update(data);
    this.length += data.length;
  }

  get bytes(): number {
    return this.length;
  }

  /** Uppercase hex; the digest can be taken once. */
  hex(): string {
    return this.hash.digest('hex').toUpperCase();
  }
}

/** A `FileMac` as a peer may write it (hex in either case), compared as the digest it stands for. */
export function sameFileMac(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

export function fileMacOf(content: Uint8Array): string {
  const digest = new FileDigest();
  digest.update(content);
  return digest.hex();
}

export type FileFields = Omit<FileDescription, 'fileLen' | 'fileMac'>;

/** Pieces a buffer is read in, so a reader copying what it is given never copies the whole file at once. */
const BUFFER_PIECE_BYTES = 64 * 1024;

/** A file whose `.gz` bytes are in memory (small files, tests, the bank simulator). */
export function bufferFile(fields: FileFields, content: Buffer): LocalFile {
  return {
    ...fields,
    fileLen: content.length,
    fileMac: fileMacOf(content),
    async *bytes(position = 0) {
      for (let at = position; at < content.length; at += BUFFER_PIECE_BYTES) yield content.subarray(at, at + BUFFER_PIECE_BYTES);
    },
  };
}

/**
 * A file whose bytes are streamed from elsewhere (a file on disk, rows in PostgreSQL): one pass
 * measures them and takes their `FileMac`, as 13008 must announce both before the first chunk.
 */
export async function describeFile(fields: FileFields, bytes: (position?: number) => AsyncIterable<Uint8Array>): Promise<LocalFile> {
  const digest = new FileDigest();
  for await (const piece of bytes(0)) digest.update(piece);
  return { ...fields, fileLen: digest.bytes, fileMac: digest.hex(), bytes };
}

/** The `FileInfo` naming a whole file (13008, the answer to 13006, 13005). */
export function wholeFileInfo(file: FileDescription): FileInfo {
  return {
    BusCode: file.busCode,
    BusDate: file.busDate,
    FileName: file.fileName,
    FileLen: file.fileLen,
    FileTime: file.fileTime,
    FileMac: file.fileMac,
  };
}

/** The `FileInfo` naming the file a chunk belongs to (13009, the answer to 13007). */
export function chunkFileInfo(file: Pick<FileDescription, 'busCode' | 'busDate' | 'fileName'>): FileInfo {
  return { BusCode: file.busCode, BusDate: file.busDate, FileName: file.fileName };
}

/** The whole file a `FileInfo` names, or undefined when it leaves out something profile §5 requires. */
export function describedBy(info: FileInfo): FileDescription | undefined {
  const { BusCode, BusDate, FileName, FileLen, FileTime, FileMac } = info;
  if (BusCode === undefined || BusDate === undefined || FileLen === undefined || FileTime === undefined || FileMac === undefined) return undefined;
  return { busCode: BusCode, busDate: BusDate, fileName: FileName, fileLen: FileLen, fileTime: FileTime, fileMac: FileMac };
}
