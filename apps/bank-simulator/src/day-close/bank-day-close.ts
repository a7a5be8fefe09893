import {
  type Chk01Record,
  type DayFileRecord,
  dayFileName,
  type DayFileName,
  type FileDescription,
  FileReceiver,
  type FileReply,
  type FileRequest,
  INSTRUCTION_CODES,
  type MessageBody,
  parseDayFileName,
  type ReplyDraft,
} from '@custody/bank-protocol';
import type { BankBooks } from '../books/bank-books';
import { BANK_RETURN_CODES as RC } from '../books/bank-return-codes';
import type { FaultPlan } from '../protocol/fault-plan';
import type { SimulatorLogger } from '../simulator-logger';
import { balanceDifferences } from './balance-differences';
import type { BankDayFiles } from './bank-day-files';
import { type BankDaySnapshot, type DayParties, takeSnapshot } from './bank-snapshot';
import { chunkDataUnder } from './chunk-faults';
import type { DayFilePusher } from './day-file-pusher';
import { type DetailFileType, detailDifferences } from './detail-differences';
import { summaryConfirmation, transferFiguresOf } from './transfer-summary';

export interface BankDayCloseParts {
  readonly books: BankBooks;
  readonly faults: FaultPlan;
  readonly files: BankDayFiles;
  readonly pusher: DayFilePusher;
  readonly parties: DayParties;
  readonly log: SimulatorLogger;
}

const DETAIL_FILES: readonly DetailFileType[] = ['CHK01', 'CHK02', 'CHK03'];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The broker's day file a name stands for; none for a name outside the profile or one of the bank's. */
function brokerDayFile(fileName: string): DayFileName | undefined {
  try {
    const name = parseDayFileName(fileName);
    return name.side === 'S' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bank's side of the close of its day (bank-protocol.md §5, §7 steps 3–7):
 *
 * - 13011 answered: the snapshot of D, once, frozen (CHK01 with the armed OMIT/ALTER faults applied); B_CHK01–03
 *   written and pushed (13008/13009, then 13005).
 * - 13010: the bank's figures from its CHK01 against the broker's; `1032` outside 13011 … the next 13012.
 * - The broker's files (13008/13009 into the received store; 13005 answered by the engine). Once it holds S_CHK01–03
 *   of D it compares them with its own and pushes B_DIF01–03; once it holds S_CHK04, B_DIF04 from its custody
 *   accounts. A file sent again unchanged is not compared again; changed, it is.
 * - 13006/13007: its own files, served by the engine (5208 for one it does not have yet).
 *
 * What follows a request runs after its answer, in the background; `idle()` waits for it (tests).
 */
export class BankDayClose {
  private readonly snapshots = new Map<string, BankDaySnapshot>();
  /** Per date and stage, the broker's file versions last compared: a repeated 13005 compares nothing again. */
  private readonly compared = new Map<string, string>();
  private readonly background = new Set<Promise<void>>();
  private readonly receiver: FileReceiver;

  constructor(private readonly parts: BankDayCloseParts) {
    this.receiver = new FileReceiver({
      side: 'B',
      sink: parts.files.received,
      source: parts.files.own,
      onFilesReady: (files) => this.brokerFilesReady(files),
    });
  }

  /** The snapshot the bank took of D at its 13011, if it did. */
  snapshot(businessDate: string): BankDaySnapshot | undefined {
    return this.snapshots.get(businessDate);
  }

  /** After the bank answered 13011 0000 (§7 step 3). A repeated 13011 of the same day changes nothing. */
  dayEnded(): void {
    const { books, parties } = this.parts;
    const businessDate = books.day.date;
    if (this.snapshots.has(businessDate)) return;
    const taken = takeSnapshot(businessDate, books.listTransactions(), books, parties);
    const snapshot: BankDaySnapshot = { ...taken, chk01: this.withChk01Faults(taken.chk01, businessDate) };
    this.snapshots.set(businessDate, snapshot);
    this.parts.log.info(
      { businessDate, chk01: snapshot.chk01.length, chk02: snapshot.chk02.length, chk03: snapshot.chk03.length },
      "the bank's snapshot of its day (CHK01–03)",
    );
    this.inBackground('B_CHK01–03', async () => {
      const files = [
        await this.parts.files.write('CHK01', businessDate, snapshot.chk01),
        await this.parts.files.write('CHK02', businessDate, snapshot.chk02),
        await this.parts.files.write('CHK03', businessDate, snapshot.chk03),
      ];
      await this.parts.pusher.push(files);
    });
  }

  /** 13010 (§7 step 4): valid only between the day's 13011 and the next 13012. */
  summaryCheck(body: MessageBody<'Stmt.001.01'>): ReplyDraft<'Stmt.002.01'> {
    const { day } = this.parts.books;
    const snapshot = this.snapshots.get(day.date);
    const broker = body.TrfSumStamt?.[0];
    if (!day.hasEnded || !snapshot) {
      return { name: 'Stmt.002.01', body: { Rst: { Code: RC.DATE_MISMATCH, Info: `13010 is answered between 13011 and the next 13012; the day ${day.date} is open` } } };
    }
    if (!broker) return { name: 'Stmt.002.01', body: { Rst: { Code: RC.MESSAGE_FORMAT_ERROR, Info: '13010 carries one TrfSumStamt' } } };
    const confirmation = summaryConfirmation(transferFiguresOf(snapshot.chk01), broker);
    this.parts.log.info({ businessDate: day.date, checkResult: confirmation.ChkRst.Code }, 'transfer summary check answered (13010)');
    return { name: 'Stmt.002.01', body: { Rst: { Code: RC.SUCCESS }, RecNum: 1, TrfSumCnfm: [confirmation] } };
  }

  /** 13005–13009 from the broker: its files received, the bank's served. */
  async fileRequest(message: FileRequest): Promise<FileReply> {
    const reply = await this.receiver.handle(message);
    if (message.name !== 'File.001.01' || message.body.MsgHdr.InstrCd !== INSTRUCTION_CODES.REQUEST_FILE_DATA || reply.name !== 'File.002.01') return reply;
    const fileData = reply.body.FileData;
    if (fileData === undefined) return reply;
    const fault = this.parts.faults.takeChunkFault(reply.body.FileInfo?.FileName ?? '', reply.body.StPos ?? 0);
    if (fault) this.parts.log.warn({ faultId: fault.faultId, fault: fault.kind, fileName: reply.body.FileInfo?.FileName, stPos: reply.body.StPos }, 'fault applied to a served file chunk (13007)');
    return { ...reply, body: { ...reply.body, FileData: await chunkDataUnder(fault, fileData) } };
  }

  /** The bank is shutting down: pushes waiting for a session give up. */
  stop(): void {
    this.parts.pusher.stop();
  }

  /** Resolves once everything started so far in the background has finished. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  /** The receiver holds every file a 13005 listed, whole: see which comparisons they complete. */
  private brokerFilesReady(files: readonly FileDescription[]): void {
    const dates = new Set<string>();
    for (const file of files) {
      const name = brokerDayFile(file.fileName);
      if (!name) continue;
      if (name.type === 'CHK04') this.inBackground(`B_DIF04 of ${name.businessDate}`, () => this.compareBalances(name.businessDate, file));
      if ((DETAIL_FILES as readonly string[]).includes(name.type)) dates.add(name.businessDate);
    }
    for (const businessDate of dates) this.inBackground(`B_DIF01–03 of ${businessDate}`, () => this.compareDetail(businessDate));
  }

  /** §7 step 6: S_CHK01–03 against the bank's CHK01–03 of D → B_DIF01–03 and 13005. */
  private async compareDetail(businessDate: string): Promise<void> {
    const held = await Promise.all(DETAIL_FILES.map((type) => this.parts.files.received.find(dayFileName('S', type, businessDate))));
    if (held.some((file) => file === undefined)) return;
    if (!this.firstComparison(`${businessDate}/DETAIL`, held)) return;
    const snapshot = this.snapshots.get(businessDate);
    if (!snapshot) {
      this.parts.log.warn({ businessDate }, "the broker's detail files of a day the bank has no snapshot of (no 13011): no DIF01–03");
      return;
    }
    const files = [
      await this.parts.files.write('DIF01', businessDate, detailDifferences('CHK01', await this.brokerRecords('CHK01', businessDate), snapshot.chk01)),
      await this.parts.files.write('DIF02', businessDate, detailDifferences('CHK02', await this.brokerRecords('CHK02', businessDate), snapshot.chk02)),
      await this.parts.files.write('DIF03', businessDate, detailDifferences('CHK03', await this.brokerRecords('CHK03', businessDate), snapshot.chk03)),
    ];
    await this.parts.pusher.push(files);
  }

  private async brokerRecords<T extends 'CHK01' | 'CHK02' | 'CHK03' | 'CHK04'>(type: T, businessDate: string): Promise<AsyncIterable<DayFileRecord<T>>> {
    const fileName = dayFileName('S', type, businessDate);
    const records = await this.parts.files.records(type, fileName);
    if (!records) throw new Error(`${fileName} is no longer held`);
    return records;
  }

  /** §7 step 7: S_CHK04 against the custody accounts now → B_DIF04 and 13005. */
  private async compareBalances(businessDate: string, file: FileDescription): Promise<void> {
    if (!this.firstComparison(`${businessDate}/BALANCE`, [file])) return;
    const fileName = dayFileName('B', 'DIF04', businessDate);
    const delay = this.parts.faults.takeDif04Delay(fileName, businessDate);
    if (delay) {
      this.parts.log.warn({ faultId: delay.faultId, businessDate, delayMs: delay.delayMs }, 'fault DELAY_DIF04: the DIF04 waits');
      await sleep(delay.delayMs ?? 0);
    }
    const broker = await this.brokerRecords('CHK04', businessDate);
    const { books, parties } = this.parts;
    // Pre-designated custody accounts too: the bank holds their opening balance (F-3.1). Not a cancelled one (F-3.8):
    // the broker's CHK04 no longer lists its ledger either.
    const custody = books
      .listCustodyAccounts()
      .filter((account) => account.status !== 'CANCELLED')
      .map((account) => ({ ...account, customerName: books.custodyHolderOf(account.custodyAccountNo)?.name ?? '' }));
    const dif04 = await this.parts.files.write('DIF04', businessDate, balanceDifferences(broker, custody, { parties, businessDate }));
    await this.parts.pusher.push([dif04]);
  }

  /** True the first time these versions (names and `FileMac`s) are compared for this date and stage. */
  private firstComparison(stage: string, files: readonly (FileDescription | undefined)[]): boolean {
    const versions = files.map((file) => `${file?.fileName}:${file?.fileMac}`).join('|');
    if (this.compared.get(stage) === versions) return false;
    this.compared.set(stage, versions);
    return true;
  }

  /** OMIT_FROM_CHK01 / ALTER_IN_CHK01 armed for a record's serial: the record left out, or its amount changed. */
  private withChk01Faults(records: readonly Chk01Record[], businessDate: string): Chk01Record[] {
    return records.flatMap((record) => {
      const fault = this.parts.faults.takeChk01Fault([record.bankSerialNo, record.brokerSerialNo], businessDate);
      if (!fault) return [record];
      this.parts.log.warn({ faultId: fault.faultId, fault: fault.kind, businessDate, bankSerial: record.bankSerialNo, brokerSerial: record.brokerSerialNo }, 'fault applied to the bank CHK01');
      return fault.kind === 'ALTER_IN_CHK01' && fault.amount ? [{ ...record, amount: fault.amount }] : [];
    });
  }

  /** Starts `task` once the current request has been answered (the session writes its reply before any I/O turn). */
  private inBackground(what: string, task: () => Promise<void>): void {
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(task).catch((error: unknown) => this.parts.log.error({ task: what, error: error instanceof Error ? error.message : String(error) }, 'day close step failed at the bank'));
    this.background.add(run);
    void run.finally(() => this.background.delete(run));
  }
}
