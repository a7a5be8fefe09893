import { INSTRUCTION_CODES } from '../code-lists';
import type { FileInfo, ReturnResult } from '../components';
import type { FileOperation } from '../file-messages';
import type { ProtocolMessage } from '../message-registry';
import type { ReplyDraft, RequestHandler } from '../protocol-connection';
import { type ProtocolSide, type SideCondition, sideReturnCode, SUCCESS_CODE } from '../return-codes';
import type { DayEndDataReady } from '../stmt-messages';
import { readChunkData } from './chunks';
import { describedBy, type FileDescription, type FileSink, type FileSource, sameFileMac } from './file-description';
import { FileAssembly } from './file-assembly';
import { FileServer } from './file-server';

/** The requests a `FileReceiver` answers. */
export type FileRequest = ProtocolMessage<'File.001.01' | 'Stmt.003.01'>;
export type FileReply = ReplyDraft<'File.002.01' | 'Stmt.004.01'>;

export interface FileReceiverOptions {
  /** The side we play: it decides our refusal codes (bank 5208; broker 3093 for chunks, 3092 otherwise). */
  readonly side: ProtocolSide;
  /** Where files the peer sends are kept. */
  readonly sink: FileSink;
  /** This side's own files, served to the peer's 13006/13007; without it every such request is answered "not here". */
  readonly source?: FileSource;
  /**
   * Called when a 13005 listed only files held whole, before it is answered 0000; if it throws, the
   * session answers a system error (1041/2041) and the peer announces again. Idempotent: the peer
   * repeats a 13005 whose answer it lost.
   */
  readonly onFilesReady?: (files: readonly FileDescription[], request: DayEndDataReady) => void | Promise<void>;
}

/** The chunk last written, remembered so the same chunk sent again is answered without a second write. */
interface LastChunk {
  readonly position: number;
  readonly data: Buffer;
}

interface Reception {
  readonly assembly: FileAssembly;
  last?: LastChunk;
}

/** How the last chunk of a finished file was answered, so a repeat of it gets the same answer. */
interface Finished extends LastChunk {
  readonly result: ReturnResult;
}

/** Finished files remembered per receiver; only the most recent matter (a sender repeats its last chunk at once). */
const FINISHED_REMEMBERED = 256;
const MAX_INFO = 128;

function info(text: string): string {
  return Array.from(text).slice(0, MAX_INFO).join('');
}

/** Why a file held is not the one a 13005 lists, if it is not. */
function mismatch(listed: FileInfo, stored: FileDescription): string | undefined {
  if (listed.BusDate !== stored.busDate) return `held for ${stored.busDate}, listed for ${listed.BusDate ?? ''}`;
  if (listed.BusCode !== stored.busCode) return `held as BusCode ${stored.busCode}, listed as ${listed.BusCode ?? ''}`;
  if (listed.FileLen !== stored.fileLen) return `held with ${stored.fileLen} bytes, listed with ${listed.FileLen ?? ''}`;
  if (!sameFileMac(listed.FileMac ?? '', stored.fileMac)) return 'held with another FileMac';
  return undefined;
}

/** Runs tasks with the same key one after another: the chunks of one file never interleave. */
class KeyedSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const next = previous.then(task, task);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}

/**
 * The receiving side of in-band file transfer (profile §5), for the bank simulator and our adapter
 * alike: answers 13008/13009 into a `FileSink`, 13005 from what the sink holds, and 13006/13007 from
 * this side's own `FileSource`. Hand it the requests `handles` says are its own, or wrap the session's
 * handler with `requestHandler`.
 *
 * A chunk must follow on exactly from the previous one and hold 1–2,048 bytes of valid base64 matching
 * `DataLen`, after a 13008 for its file; otherwise it is refused (bank 5208, broker 3093) and the file
 * discarded. The chunk just written, sent again with the same `StPos` and bytes, is answered as before
 * and written once. After the last chunk (`LstFrag` Y) the file's length, `FileMac` and gzip are
 * checked: it is committed, or refused and discarded. A new 13008 restarts its file.
 *
 * State lives in memory per receiver (one per bank relationship and process): a receiver that
 * restarts mid-file refuses the next chunk ("no 13008 before it"), and the sender starts again.
 */
export class FileReceiver {
  private readonly receptions = new Map<string, Reception>();
  private readonly finished = new Map<string, Finished>();
  private readonly serializer = new KeyedSerializer();
  private readonly server: FileServer;

  constructor(private readonly options: FileReceiverOptions) {
    this.server = new FileServer(options.side, options.source);
  }

  handles(message: ProtocolMessage): message is FileRequest {
    return message.name === 'File.001.01' || message.name === 'Stmt.003.01';
  }

  /** A session request handler answering the file requests here and passing every other to `otherwise`. */
  requestHandler(otherwise: RequestHandler): RequestHandler {
    return (request, connection) => (this.handles(request.message) ? this.handle(request.message) : otherwise(request, connection));
  }

  async handle(message: FileRequest): Promise<FileReply> {
    if (message.name === 'Stmt.003.01') return this.dataReady(message.body);
    const body = message.body;
    switch (body.MsgHdr.InstrCd) {
      case INSTRUCTION_CODES.REQUEST_FILE_INFO:
        return this.server.describe(body);
      case INSTRUCTION_CODES.REQUEST_FILE_DATA:
        return this.server.chunk(body);
      case INSTRUCTION_CODES.SEND_FILE_INFO:
        return this.serializer.run(body.FileInfo?.FileName ?? '', () => this.fileInfo(body));
      default:
        return this.serializer.run(body.FileInfo?.FileName ?? '', () => this.fileData(body));
    }
  }

  /** 13008: a file starts (again); whatever was received of it before is dropped. */
  private async fileInfo(body: FileOperation): Promise<FileReply> {
    const description = body.FileInfo && describedBy(body.FileInfo);
    if (!description) return this.refuse('FILE_TRANSFER_FAILED', 'FileInfo does not describe a whole file');
    const name = description.fileName;
    await this.receptions.get(name)?.assembly.discard();
    this.receptions.delete(name);
    this.finished.delete(name);
    if (description.fileLen < 1) return this.refuse('FILE_TRANSFER_FAILED', `${name}: FileLen 0, a .gz file is never empty`);
    if (!/^[0-9A-Fa-f]{64}$/.test(description.fileMac)) return this.refuse('FILE_TRANSFER_FAILED', `${name}: FileMac is not an SM3 digest in hex`);
    this.receptions.set(name, { assembly: await FileAssembly.begin(this.options.sink, description) });
    return this.answer(name, body, undefined);
  }

  /** 13009: one chunk. */
  private async fileData(body: FileOperation): Promise<FileReply> {
    const name = body.FileInfo?.FileName ?? '';
    const position = body.StPos ?? -1;
    const reading = readChunkData(body.FileData ?? '', body.DataLen ?? -1);
    const reception = this.receptions.get(name);
    if (!reception) {
      const done = this.finished.get(name);
      if (done && reading.ok && done.position === position && done.data.equals(reading.data)) return this.answer(name, body, done.result);
      return this.refuse('FILE_TRANSFER_FAILED', `${name}: no 13008 before this chunk`);
    }
    if (!reading.ok) return this.abandon(name, reception, reading.why);
    if (body.FileInfo?.BusDate !== reception.assembly.description.busDate) {
      return this.abandon(name, reception, `BusDate ${body.FileInfo?.BusDate ?? ''} is not the file's ${reception.assembly.description.busDate}`);
    }
    const last = reception.last;
    if (last && last.position === position) {
      return last.data.equals(reading.data) ? this.answer(name, body, undefined) : this.abandon(name, reception, `chunk at StPos ${position} sent again with other bytes`);
    }
    const verdict = await reception.assembly.accept(position, reading.data);
    if (!verdict.accepted) return this.abandon(name, reception, verdict.why);
    reception.last = { position, data: reading.data };
    if (body.MsgHdr.LstFrag !== 'Y') return this.answer(name, body, undefined);
    this.receptions.delete(name);
    const whole = await reception.assembly.finish();
    const result = whole.whole ? { Code: SUCCESS_CODE } : this.result('FILE_TRANSFER_FAILED', `${name}: ${whole.why}`);
    this.remember(name, { position, data: reading.data, result });
    return this.answer(name, body, result);
  }

  /**
   * 13005: 0000 only when every listed file is held whole (committed: length, `FileMac` and gzip
   * verified) and as listed; otherwise the first that is not is named.
   */
  private async dataReady(body: DayEndDataReady): Promise<FileReply> {
    const held: FileDescription[] = [];
    for (const listed of body.FileInfo ?? []) {
      const stored = await this.options.sink.find(listed.FileName);
      const why = stored ? mismatch(listed, stored) : this.receptions.has(listed.FileName) ? 'still being received' : 'not received';
      if (why !== undefined || !stored) {
        return { name: 'Stmt.004.01', body: { Rst: this.result('FILE_NOT_AVAILABLE', `${listed.FileName}: ${why ?? 'not received'}`) } };
      }
      held.push(stored);
    }
    await this.options.onFilesReady?.(held, body);
    return { name: 'Stmt.004.01', body: { Rst: { Code: SUCCESS_CODE } } };
  }

  private async abandon(name: string, reception: Reception, why: string): Promise<FileReply> {
    this.receptions.delete(name);
    await reception.assembly.discard();
    return this.refuse('FILE_TRANSFER_FAILED', `${name}: ${why}`);
  }

  private remember(name: string, finished: Finished): void {
    this.finished.delete(name);
    this.finished.set(name, finished);
    if (this.finished.size > FINISHED_REMEMBERED) {
      const oldest = this.finished.keys().next();
      if (!oldest.done) this.finished.delete(oldest.value);
    }
  }

  private result(condition: SideCondition, why: string): ReturnResult {
    return { Code: sideReturnCode(condition, this.options.side), Info: info(why) };
  }

  private refuse(condition: SideCondition, why: string): FileReply {
    return { name: 'File.002.01', body: { Rst: this.result(condition, why) } };
  }

  /** Answers to 13008/13009 name the file and, for a chunk, its `StPos` (table 53; a sender must not require them). */
  private answer(name: string, body: FileOperation, result: ReturnResult | undefined): FileReply {
    const fileInfo = body.FileInfo?.BusDate === undefined ? { FileName: name } : { BusDate: body.FileInfo.BusDate, FileName: name };
    return {
      name: 'File.002.01',
      body: { Rst: result ?? { Code: SUCCESS_CODE }, FileInfo: fileInfo, ...(body.StPos === undefined ? {} : { StPos: body.StPos }) },
    };
  }
}
