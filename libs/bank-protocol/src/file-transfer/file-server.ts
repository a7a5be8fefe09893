import type { FileOperation } from '../file-messages';
import type { ReplyDraft } from '../protocol-connection';
import { type ProtocolSide, sideReturnCode, SUCCESS_CODE } from '../return-codes';
import { encodeChunkData, MAX_CHUNK_BYTES } from './chunks';
import { chunkFileInfo, type FileSource, type LocalFile, wholeFileInfo } from './file-description';

type FileReply = ReplyDraft<'File.002.01'>;

async function readAt(file: LocalFile, position: number, length: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  let read = 0;
  // Leaving the loop early closes the source (its iterator's `return`), so nothing past the chunk is read.
  for await (const piece of file.bytes(position)) {
    const wanted = Buffer.from(piece.subarray(0, length - read));
    pieces.push(wanted);
    read += wanted.length;
    if (read >= length) break;
  }
  return Buffer.concat(pieces);
}

/**
 * Answers the peer's 13006 (a file's information) and 13007 (the chunk at `StPos`) from this side's own
 * files (profile §5 step 3): what 13008 / 13009 would have sent, the 13007 answer with `LstFrag` in its
 * header. A file it does not have (yet), or a `StPos` past its end, is answered 5208 (bank) / 3092 (broker).
 */
export class FileServer {
  constructor(
    private readonly side: ProtocolSide,
    private readonly source: FileSource | undefined,
  ) {}

  async describe(request: FileOperation): Promise<FileReply> {
    const file = await this.find(request);
    if (typeof file === 'string') return this.unavailable(file);
    return { name: 'File.002.01', body: { Rst: { Code: SUCCESS_CODE }, FileInfo: wholeFileInfo(file) } };
  }

  async chunk(request: FileOperation): Promise<FileReply> {
    const file = await this.find(request);
    if (typeof file === 'string') return this.unavailable(file);
    const position = request.StPos ?? 0;
    if (position >= file.fileLen) return this.unavailable(`${file.fileName}: StPos ${position} is past its end (${file.fileLen} bytes)`);
    const data = await readAt(file, position, Math.min(MAX_CHUNK_BYTES, file.fileLen - position));
    if (data.length === 0) return this.unavailable(`${file.fileName}: no bytes at ${position}`);
    const end = position + data.length;
    return {
      name: 'File.002.01',
      lastFragment: end >= file.fileLen ? 'Y' : 'N',
      body: { Rst: { Code: SUCCESS_CODE }, FileInfo: chunkFileInfo(file), StPos: position, DataLen: data.length, FileData: encodeChunkData(data) },
    };
  }

  /** The file asked for, or why this side cannot serve it. */
  private async find(request: FileOperation): Promise<LocalFile | string> {
    const wanted = request.FileInfo;
    if (!wanted) return 'no FileInfo';
    const file = await this.source?.find(wanted.FileName);
    if (!file) return `${wanted.FileName}: no such file here (yet)`;
    if (wanted.BusDate !== undefined && wanted.BusDate !== file.busDate) return `${wanted.FileName}: held for ${file.busDate}, not ${wanted.BusDate}`;
    if (wanted.BusCode !== undefined && wanted.BusCode !== file.busCode) return `${wanted.FileName}: held as BusCode ${file.busCode}, not ${wanted.BusCode}`;
    return file;
  }

  private unavailable(why: string): FileReply {
    return { name: 'File.002.01', body: { Rst: { Code: sideReturnCode('FILE_NOT_AVAILABLE', this.side), Info: why.slice(0, 128) } } };
  }
}
