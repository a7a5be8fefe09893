import { INSTRUCTION_CODES } from '../code-lists';
import type { FileInfo, ReturnResult } from '../components';
import { isSuccess, type ProtocolSide } from '../return-codes';
import { chunksOf, encodeChunkData } from './chunks';
import { chunkFileInfo, FileDigest, type LocalFile, sameFileMac, wholeFileInfo } from './file-description';
import { type FileRequester, type FileRequestLimits, peerReturnCode, requestWithRetries } from './file-requests';
import { FileTransferError } from './file-transfer-error';

export interface FileSenderOptions extends FileRequestLimits {
  /** The side we play: the peer's refusal codes (bank 5208, broker 3093/3092) follow from it. */
  readonly side: ProtocolSide;
  /** Whole-file re-sends from 13008 after the receiver discarded the file (5208/3093); default 3. */
  readonly fileResends?: number;
  /** Re-sends of a step's files and repeats of its 13005 after a refusal (5208/3092); default 3 (profile §5 step 4). */
  readonly stepRepeats?: number;
}

export interface FileSent {
  readonly fileName: string;
  readonly fileLen: number;
  readonly fileMac: string;
  /** 13009 chunks in the send that was accepted. */
  readonly chunks: number;
  /** 13008s it took, 1 when the first send was accepted. */
  readonly sends: number;
}

export interface StepSent {
  /** Each file's last (accepted) send. */
  readonly files: readonly FileSent[];
  /** 13005s it took, 1 when the first was accepted. */
  readonly announcements: number;
}

export const DEFAULT_FILE_RESENDS = 3;
export const DEFAULT_STEP_REPEATS = 3;

type SendOutcome = { readonly sent: true; readonly chunks: number } | { readonly sent: false; readonly refusal: ReturnResult };

/** Profile §5 step 4: 13005 lists each file by `BusCode`, `BusDate`, `FileName`, `FileLen` and `FileMac`. */
function listedFileInfo(file: LocalFile): FileInfo {
  return { BusCode: file.busCode, BusDate: file.busDate, FileName: file.fileName, FileLen: file.fileLen, FileMac: file.fileMac };
}

function describeRefusal(refusal: ReturnResult): string {
  return refusal.Info === undefined ? refusal.Code : `${refusal.Code} (${refusal.Info})`;
}

/**
 * Sends this side's files to the peer in-band (profile §5 steps 1, 2 and 4), on whatever session the
 * requester stands for. One file at a time, one chunk at a time: a chunk goes only after the previous
 * one was answered 0000, so the receiver never sees them out of order.
 *
 * - `sendFile`: 13008, then 13009 chunks of at most 2,048 bytes read from the file as they go. An
 *   unanswered request is sent again (the receiver writes a chunk once); a 5208/3093 answer means the
 *   receiver discarded the file, and it is sent again from 13008, `fileResends` times at most.
 * - `announceReady`: 13005 listing a step's files; a 5208/3092 answer names a file the receiver lacks,
 *   so every file of the step is sent again and 13005 repeated, `stepRepeats` times at most.
 * - `sendStep`: both, as one step of profile §7 does (e.g. S_CHK01–03 then 13005).
 *
 * Every failure, once its retries are spent, is a `FileTransferError` saying why.
 */
export class FileSender {
  constructor(
    private readonly requester: FileRequester,
    private readonly options: FileSenderOptions,
  ) {}

  async sendStep(files: readonly LocalFile[]): Promise<StepSent> {
    const sent: FileSent[] = [];
    for (const file of files) sent.push(await this.sendFile(file));
    const announcements = await this.announce(files, (resent) => resent.forEach((file, index) => (sent[index] = file)));
    return { files: sent, announcements };
  }

  async sendFile(file: LocalFile): Promise<FileSent> {
    if (file.fileLen < 1) throw new FileTransferError('BAD_SOURCE', file.fileName, `${file.fileName} has no bytes; a .gz file is never empty`);
    const sends = 1 + Math.max(0, this.options.fileResends ?? DEFAULT_FILE_RESENDS);
    let refusal: ReturnResult | undefined;
    for (let send = 1; send <= sends; send += 1) {
      const outcome = await this.sendOnce(file);
      if (outcome.sent) return { fileName: file.fileName, fileLen: file.fileLen, fileMac: file.fileMac, chunks: outcome.chunks, sends: send };
      refusal = outcome.refusal;
    }
    throw new FileTransferError(
      'RESENDS_EXHAUSTED',
      file.fileName,
      `${file.fileName} refused ${refusal ? describeRefusal(refusal) : ''} on each of ${sends} sends`,
      refusal?.Code,
      refusal?.Info,
    );
  }

  /** Resolves with the number of 13005s it took. */
  announceReady(files: readonly LocalFile[]): Promise<number> {
    return this.announce(files, () => undefined);
  }

  private async announce(files: readonly LocalFile[], onResent: (resent: readonly FileSent[]) => void): Promise<number> {
    if (files.length === 0) throw new RangeError('13005 lists the files of its step; none given');
    const repeats = Math.max(0, this.options.stepRepeats ?? DEFAULT_STEP_REPEATS);
    for (let announcement = 1; ; announcement += 1) {
      const reply = await requestWithRetries(
        this.requester,
        { name: 'Stmt.003.01', instrCd: INSTRUCTION_CODES.DAY_END_DATA_READY, body: { FileInfo: files.map(listedFileInfo) } },
        this.options,
        { fileName: undefined, what: '13005' },
      );
      const result = reply.body.Rst;
      if (isSuccess(result.Code)) return announcement;
      const named = files.find((file) => result.Info?.includes(file.fileName))?.fileName;
      if (result.Code !== peerReturnCode(this.options.side, 'FILE_NOT_AVAILABLE')) {
        throw new FileTransferError('REFUSED', named, `13005 refused ${describeRefusal(result)}`, result.Code, result.Info);
      }
      if (announcement > repeats) {
        throw new FileTransferError('STEP_REFUSED', named, `13005 refused ${describeRefusal(result)} ${announcement} times`, result.Code, result.Info);
      }
      const resent: FileSent[] = [];
      for (const file of files) resent.push(await this.sendFile(file));
      onResent(resent);
    }
  }

  private async sendOnce(file: LocalFile): Promise<SendOutcome> {
    const discarded = peerReturnCode(this.options.side, 'FILE_TRANSFER_FAILED');
    const announced = await requestWithRetries(
      this.requester,
      { name: 'File.001.01', instrCd: INSTRUCTION_CODES.SEND_FILE_INFO, body: { FileInfo: wholeFileInfo(file) } },
      this.options,
      { fileName: file.fileName, what: `13008 ${file.fileName}` },
    );
    if (!this.accepted(announced.body.Rst, discarded, file.fileName, '13008')) return { sent: false, refusal: announced.body.Rst };
    const digest = new FileDigest();
    let chunks = 0;
    for await (const chunk of chunksOf(file.bytes(0))) {
      digest.update(chunk.data);
      if (chunk.last) this.checkSource(file, digest);
      else if (digest.bytes > file.fileLen) throw this.badSource(file, `more than its FileLen ${file.fileLen} bytes`);
      const reply = await requestWithRetries(
        this.requester,
        {
          name: 'File.001.01',
          instrCd: INSTRUCTION_CODES.SEND_FILE_DATA,
          lastFragment: chunk.last ? 'Y' : 'N',
          body: { FileInfo: chunkFileInfo(file), StPos: chunk.position, DataLen: chunk.data.length, FileData: encodeChunkData(chunk.data) },
        },
        this.options,
        { fileName: file.fileName, what: `13009 ${file.fileName} at ${chunk.position}` },
      );
      chunks += 1;
      if (!this.accepted(reply.body.Rst, discarded, file.fileName, `13009 at ${chunk.position}`)) return { sent: false, refusal: reply.body.Rst };
    }
    if (chunks === 0) throw this.badSource(file, 'no bytes');
    return { sent: true, chunks };
  }

  /** 0000 → true; the receiver discarded the file → false (send it again); anything else ends the transfer. */
  private accepted(result: ReturnResult, discarded: string, fileName: string, what: string): boolean {
    if (isSuccess(result.Code)) return true;
    if (result.Code === discarded) return false;
    throw new FileTransferError('REFUSED', fileName, `${what} of ${fileName} refused ${describeRefusal(result)}`, result.Code, result.Info);
  }

  /** Before the last chunk goes: the bytes read must be the file 13008 announced, or the receiver would hold another. */
  private checkSource(file: LocalFile, digest: FileDigest): void {
    if (digest.bytes !== file.fileLen) throw this.badSource(file, `${digest.bytes} bytes, FileLen says ${file.fileLen}`);
    const mac = digest.hex();
    if (!sameFileMac(mac, file.fileMac)) throw this.badSource(file, `its bytes digest to ${mac}, FileMac says ${file.fileMac}`);
  }

  private badSource(file: LocalFile, why: string): FileTransferError {
    return new FileTransferError('BAD_SOURCE', file.fileName, `${file.fileName} as read has ${why}`);
  }
}
