import { type FileBusinessCode, INSTRUCTION_CODES } from '../code-lists';
import type { ReturnResult } from '../components';
import { isSuccess, type ProtocolSide } from '../return-codes';
import { readChunkData } from './chunks';
import { chunkFileInfo, describedBy, type FileDescription, type FileSink } from './file-description';
import { FileAssembly, type FileVerdict } from './file-assembly';
import { type FileRequester, type FileRequestLimits, peerReturnCode, requestWithRetries } from './file-requests';
import { FileTransferError } from './file-transfer-error';

export interface FileFetcherOptions extends FileRequestLimits {
  /** The side we play: the peer's "I do not have it" code (bank 5208, broker 3092) follows from it. */
  readonly side: ProtocolSide;
  /** Where fetched files are kept: the same sink the side's `FileReceiver` writes to. */
  readonly sink: FileSink;
  /** Whole-file fetches again from 13006 after a bad chunk or a bad `FileMac`; default 3. */
  readonly refetches?: number;
}

/** The file to ask for: its name, and its date and `BusCode` when the asker wants them checked. */
export interface WantedFile {
  readonly fileName: string;
  readonly busDate?: string;
  readonly busCode?: FileBusinessCode;
}

export interface FileFetched {
  readonly file: FileDescription;
  /** 13007s in the fetch that was accepted. */
  readonly chunks: number;
  /** 13006s it took. */
  readonly fetches: number;
}

export const DEFAULT_REFETCHES = 3;

type PullOutcome = FileVerdict & { readonly chunks: number };

/**
 * Asks the peer for one of its files (profile §5 step 3): 13006 for its information, then 13007 for
 * each chunk in order, into the sink, checked exactly as a pushed file is (order, size, base64,
 * `DataLen`, then length, `FileMac` and gzip). A bad chunk or file is discarded and fetched again from
 * 13006, `refetches` times at most. Used by a broker that has not received the bank's files within
 * 10 minutes (profile §7 step 5) and for a deferred bank's remaining steps (step 8).
 */
export class FileFetcher {
  constructor(
    private readonly requester: FileRequester,
    private readonly options: FileFetcherOptions,
  ) {}

  /** Rejects with `FileTransferError` `NOT_AVAILABLE` when the peer does not have the file (yet). */
  async fetch(wanted: WantedFile): Promise<FileFetched> {
    const fetches = 1 + Math.max(0, this.options.refetches ?? DEFAULT_REFETCHES);
    let why = '';
    for (let fetch = 1; fetch <= fetches; fetch += 1) {
      const file = await this.askInfo(wanted);
      if (typeof file === 'string') {
        why = file;
        continue;
      }
      const outcome = await this.pull(await FileAssembly.begin(this.options.sink, file));
      if (outcome.whole) return { file, chunks: outcome.chunks, fetches: fetch };
      why = outcome.why;
    }
    throw new FileTransferError('RESENDS_EXHAUSTED', wanted.fileName, `${wanted.fileName} fetched ${fetches} times, never whole: ${why}`);
  }

  /** 13006: the file's description, or why the answer does not describe the file asked for. */
  private async askInfo(wanted: WantedFile): Promise<FileDescription | string> {
    const reply = await requestWithRetries(
      this.requester,
      {
        name: 'File.001.01',
        instrCd: INSTRUCTION_CODES.REQUEST_FILE_INFO,
        body: { FileInfo: { BusCode: wanted.busCode, BusDate: wanted.busDate, FileName: wanted.fileName } },
      },
      this.options,
      { fileName: wanted.fileName, what: `13006 ${wanted.fileName}` },
    );
    this.check(reply.body.Rst, wanted.fileName, '13006');
    const file = reply.body.FileInfo && describedBy(reply.body.FileInfo);
    if (!file) return '13006 answered without a whole FileInfo';
    if (file.fileName !== wanted.fileName) return `13006 answered for ${file.fileName}`;
    if (wanted.busDate !== undefined && file.busDate !== wanted.busDate) return `13006 answered for ${file.busDate}`;
    if (wanted.busCode !== undefined && file.busCode !== wanted.busCode) return `13006 answered BusCode ${file.busCode}`;
    if (file.fileLen < 1) return '13006 answered FileLen 0';
    return file;
  }

  /** 13007 chunk after chunk until `LstFrag` Y; the assembly is committed or discarded before this returns. */
  private async pull(assembly: FileAssembly): Promise<PullOutcome> {
    const file = assembly.description;
    let chunks = 0;
    const failed = async (why: string): Promise<PullOutcome> => {
      await assembly.discard();
      return { whole: false, why, chunks };
    };
    try {
      for (;;) {
        const position = assembly.received;
        if (position >= file.fileLen) return await failed(`no LstFrag Y by the end of its ${file.fileLen} bytes`);
        const reply = await requestWithRetries(
          this.requester,
          { name: 'File.001.01', instrCd: INSTRUCTION_CODES.REQUEST_FILE_DATA, body: { FileInfo: chunkFileInfo(file), StPos: position } },
          this.options,
          { fileName: file.fileName, what: `13007 ${file.fileName} at ${position}` },
        );
        const body = reply.body;
        // The peer may have replaced the file since its 13006: ask again from the start.
        if (body.Rst.Code === peerReturnCode(this.options.side, 'FILE_NOT_AVAILABLE')) return await failed(`13007 at ${position} answered ${body.Rst.Code}`);
        this.check(body.Rst, file.fileName, `13007 at ${position}`);
        if (body.StPos !== position) return await failed(`13007 at ${position} answered with StPos ${body.StPos ?? ''}`);
        const reading = readChunkData(body.FileData ?? '', body.DataLen ?? -1);
        if (!reading.ok) return await failed(`13007 at ${position}: ${reading.why}`);
        const verdict = await assembly.accept(position, reading.data);
        if (!verdict.accepted) return await failed(verdict.why);
        chunks += 1;
        if (body.MsgHdr.LstFrag === 'Y') return { ...(await assembly.finish()), chunks };
      }
    } catch (error) {
      await assembly.discard();
      throw error;
    }
  }

  private check(result: ReturnResult, fileName: string, what: string): void {
    if (isSuccess(result.Code)) return;
    const detail = `${what} of ${fileName} answered ${result.Code}${result.Info === undefined ? '' : ` (${result.Info})`}`;
    const unavailable = result.Code === peerReturnCode(this.options.side, 'FILE_NOT_AVAILABLE');
    throw new FileTransferError(unavailable ? 'NOT_AVAILABLE' : 'REFUSED', fileName, detail, result.Code, result.Info);
  }
}
