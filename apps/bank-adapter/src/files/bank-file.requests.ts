import {
  type DayEndDataReady,
  type FileDescription,
  FileReceiver,
  type FileReply,
  type FileRequest,
  type FileSink,
  type FileSource,
  INSTRUCTION_CODES,
  isSuccess,
  type ProtocolMessage,
  type RefIssuer,
  type RequestHandler,
  sideReturnCode,
} from '@custody/bank-protocol';
import { bankFilesReceived, type DayFileDescriptor } from '@custody/contracts';
import type { MessagePublisher } from '@custody/messaging';
import type { DataSource } from 'typeorm';
import { type AdapterLogger, describeError } from '../platform/adapter-logger';
import type { AnnouncementRef, BankAnnouncementRepository } from './bank-announcements.repository';
import { bankFileRefusal, descriptorOf } from './day-file-descriptor';
import type { FileTransferTracker } from './file-transfer.tracker';

export interface BankFileRequestsDependencies {
  /** Where the bank's files go: the reconciliation service, through a temporary file each. */
  readonly sink: FileSink;
  /** Our files, served to the bank's 13006/13007 from the reconciliation service. */
  readonly source: FileSource;
  readonly announcements: BankAnnouncementRepository;
  readonly dataSource: DataSource;
  readonly outbox: MessagePublisher;
  /** Our serials for the replies the adapter writes itself: a repeated 13005 is answered under its first one. */
  readonly serials: RefIssuer;
  readonly transfers: FileTransferTracker;
  readonly logger: AdapterLogger;
}

const TRANSFER_FAILED = sideReturnCode('FILE_TRANSFER_FAILED', 'S');

function refKey(ref: AnnouncementRef): string {
  return `${ref.issuerId}|${ref.serialNo}`;
}

function refOf(request: DayEndDataReady): AnnouncementRef {
  const header = request.MsgHdr;
  return { issuerId: header.Ref.RefIssr ?? header.Sender.InstId, serialNo: header.Ref.Ref };
}

function byBusinessDate(files: readonly DayFileDescriptor[]): Map<string, DayFileDescriptor[]> {
  const dates = new Map<string, DayFileDescriptor[]>();
  for (const file of files) dates.set(file.businessDate, [...(dates.get(file.businessDate) ?? []), file]);
  return dates;
}

/**
 * The bank's side of the day files on our sessions (bank-protocol.md §5 steps 1–4), answered by the file
 * engine's `FileReceiver` as the broker (S):
 * - its 13008/13009: its own files (`B_…`, of the date and `BusCode` their names give; anything else 3093),
 *   stored with the reconciliation service as each completes (`ReconciliationFileSink`);
 * - its 13005: `0000` only when the reconciliation service holds every listed file with that length and
 *   `FileMac`, else 3092 naming the first that is not and why; the `0000` is recorded with
 *   `bank.files-received {via: PUSH}` in one transaction before it is written, and a 13005 repeated with the same
 *   `Ref` gets its first answer (and serial) again and emits nothing;
 * - its 13006/13007: our files (`S_…`) from the reconciliation service; anything else 3092.
 * Each request counts as file activity on its session, which holds back key rolls there (profile §7 step 8).
 */
export class BankFileRequests {
  private readonly receiver: FileReceiver;
  /** The reply serial of each 13005 being answered, by its `Ref`, for the record made before the `0000`. */
  private readonly answering = new Map<string, string>();

  constructor(
    private readonly bankCode: string,
    private readonly deps: BankFileRequestsDependencies,
  ) {
    this.receiver = new FileReceiver({ side: 'S', sink: deps.sink, source: deps.source, onFilesReady: (files, request) => this.filesReady(files, request) });
  }

  /** The session's request handler: the file requests here, every other request to `otherwise`. */
  handlerFor(sessionId: string, otherwise: RequestHandler): RequestHandler {
    return (request, connection) => (this.receiver.handles(request.message) ? this.handle(sessionId, request.message) : otherwise(request, connection));
  }

  async handle(sessionId: string, message: FileRequest): Promise<FileReply> {
    if (message.name === 'Stmt.003.01') return this.announcement(message);
    const body = message.body;
    const fileName = body.FileInfo?.FileName ?? '';
    if (body.MsgHdr.InstrCd === INSTRUCTION_CODES.SEND_FILE_INFO) {
      const refusal = bankFileRefusal({ fileName, busDate: body.FileInfo?.BusDate, busCode: body.FileInfo?.BusCode });
      if (refusal !== undefined) {
        this.deps.logger.warn({ sessionId, fileName, why: refusal }, 'bank file refused at its 13008');
        return { name: 'File.002.01', body: { Rst: { Code: TRANSFER_FAILED, Info: refusal.slice(0, 128) } } };
      }
    }
    this.deps.transfers.inboundActivity(sessionId, fileName);
    const reply = await this.receiver.handle(message);
    if (this.transferEnded(message, reply)) this.deps.transfers.inboundEnded(sessionId, fileName);
    if (body.MsgHdr.InstrCd === INSTRUCTION_CODES.SEND_FILE_DATA && body.MsgHdr.LstFrag === 'Y') {
      const result = reply.body.Rst;
      if (isSuccess(result.Code)) this.deps.logger.info({ sessionId, fileName }, 'bank file received whole and stored');
      else this.deps.logger.warn({ sessionId, fileName, returnCode: result.Code, why: result.Info }, 'bank file refused at its last chunk; the bank sends it again');
    }
    return reply;
  }

  /** A file's transfer on its session is over: refused (and discarded), or its last chunk answered either way. */
  private transferEnded(message: ProtocolMessage<'File.001.01'>, reply: FileReply): boolean {
    if (!isSuccess(reply.body.Rst.Code)) return true;
    const instrCd = message.body.MsgHdr.InstrCd;
    if (instrCd === INSTRUCTION_CODES.SEND_FILE_DATA) return message.body.MsgHdr.LstFrag === 'Y';
    if (instrCd === INSTRUCTION_CODES.REQUEST_FILE_DATA) return reply.name === 'File.002.01' && reply.lastFragment === 'Y';
    return false;
  }

  private async announcement(message: ProtocolMessage<'Stmt.003.01'>): Promise<FileReply> {
    const ref = refOf(message.body);
    const earlier = await this.deps.announcements.find(this.bankCode, ref);
    if (earlier) {
      this.deps.logger.info({ bankSerialNo: ref.serialNo, returnCode: earlier.returnCode }, 'the bank repeated a 13005: answered as the first time, nothing emitted again');
      const result = earlier.info === undefined ? { Code: earlier.returnCode } : { Code: earlier.returnCode, Info: earlier.info };
      return { name: 'Stmt.004.01', serial: earlier.replySerial, body: { Rst: result } };
    }
    const replySerial = this.deps.serials.next();
    const key = refKey(ref);
    this.answering.set(key, replySerial);
    let reply: FileReply;
    try {
      reply = await this.receiver.handle(message);
    } finally {
      this.answering.delete(key);
    }
    const result = reply.body.Rst;
    const listed = (message.body.FileInfo ?? []).map((file) => file.FileName);
    if (!isSuccess(result.Code)) {
      this.deps.logger.warn({ bankSerialNo: ref.serialNo, files: listed, returnCode: result.Code, why: result.Info }, 'the bank\'s 13005 lists a file not held whole: refused, it sends its files again');
      // Kept so a repeat of this Ref is answered alike; losing the record only means a repeat is judged afresh.
      await this.deps.dataSource
        .transaction((manager) => this.deps.announcements.record(manager, this.bankCode, ref, { returnCode: result.Code, info: result.Info, replySerial }, []))
        .catch((error: unknown) => this.deps.logger.warn({ bankSerialNo: ref.serialNo, error: describeError(error) }, 'refused 13005 not recorded'));
    }
    return { ...reply, serial: replySerial };
  }

  /**
   * Every file the bank's 13005 lists is held whole: the answer and `bank.files-received` are committed together
   * before the `0000` is written. If this fails the bank hears a system error and announces again.
   */
  private async filesReady(files: readonly FileDescription[], request: DayEndDataReady): Promise<void> {
    const ref = refOf(request);
    const replySerial = this.answering.get(refKey(ref));
    if (replySerial === undefined) throw new Error(`13005 ${ref.serialNo}: no reply serial in hand`);
    const descriptors = files.map(descriptorOf);
    const first = await this.deps.dataSource.transaction(async (manager) => {
      if (!(await this.deps.announcements.record(manager, this.bankCode, ref, { returnCode: '0000', replySerial }, descriptors))) return false;
      for (const [businessDate, ofDate] of byBusinessDate(descriptors)) {
        await this.deps.outbox.publish(
          manager,
          bankFilesReceived,
          { bankCode: this.bankCode, businessDate, via: 'PUSH', files: ofDate },
          { key: this.bankCode, correlationId: `${this.bankCode}:13005:${ref.serialNo}`, businessDate },
        );
      }
      return true;
    });
    this.deps.logger.info({ bankSerialNo: ref.serialNo, files: descriptors.map((file) => file.fileName), first }, 'the bank announced its files (13005): all held whole');
  }
}
