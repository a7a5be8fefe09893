import {
  FileSender,
  FileTransferError,
  type FileRequester,
  type FileRequestName,
  INSTRUCTION_CODES,
  type LocalFile,
  type ProtocolConnection,
  type RequestDraft,
  type RequestOptions,
} from '@custody/bank-protocol';
import type { BrokerSessions } from '../protocol/broker-sessions';
import type { FaultPlan } from '../protocol/fault-plan';
import type { SimulatorLogger } from '../simulator-logger';
import { chunkDataUnder } from './chunk-faults';

/**
 * Sends the bank's files of one step of the day to the broker (bank-protocol.md §5, §7 steps 5–7): on a
 * signed-in session, as initiator, with the file engine's `FileSender` (each file by 13008/13009, then 13005
 * listing them; a discarded file or a refused 13005 is re-sent as the engine does). Steps go one after another.
 *
 * No session, or a session lost mid-step, is tried again after `retryDelayMs`, `attempts` times in all; any other
 * failure (the broker refusing the step after the engine's repeats) ends the push with an ERROR log — the broker
 * then fetches the files (13006/13007), which the bank serves. A HOLD_DAY_FILES fault skips the push: the files
 * stay for the broker to fetch.
 */

export interface PushSettings {
  readonly attempts: number;
  readonly retryDelayMs: number;
  /** Per file request; the bank's `requestTimeoutMs`. */
  readonly requestTimeoutMs: number;
}

/** A wait between attempts that does not keep a stopping process alive. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** A failure that another session, later, may not have. */
function worthRetrying(error: unknown): boolean {
  return error instanceof FileTransferError && (error.reason === 'SESSION_LOST' || error.reason === 'UNANSWERED');
}

export class DayFilePusher {
  private queue: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly sessions: BrokerSessions,
    private readonly faults: FaultPlan,
    private readonly log: SimulatorLogger,
    private readonly settings: PushSettings,
  ) {}

  /** The bank is shutting down: steps waiting for another attempt give up. */
  stop(): void {
    this.stopped = true;
  }

  /** Queues the step; resolves once it was sent, held or given up (never rejects). */
  push(files: readonly LocalFile[]): Promise<void> {
    const step = this.queue.then(() => this.send(files));
    this.queue = step;
    return step;
  }

  private async send(files: readonly LocalFile[]): Promise<void> {
    if (files.length === 0) return;
    const names = files.map((file) => file.fileName);
    const where = { files: names, busDate: files[0].busDate };
    const hold = this.faults.takeFileHold(names[0], files[0].busDate);
    if (hold) {
      this.log.warn({ ...where, faultId: hold.faultId }, 'fault HOLD_DAY_FILES: the step is not pushed; the files wait for the broker to fetch them');
      return;
    }
    for (let attempt = 1; attempt <= this.settings.attempts && !this.stopped; attempt += 1) {
      const connection = this.sessions.pick();
      if (!connection) {
        this.log.warn({ ...where, attempt }, 'no signed-in broker session to push the day files on');
      } else {
        try {
          const sent = await new FileSender(this.withChunkFaults(connection), { side: 'B', requestTimeoutMs: this.settings.requestTimeoutMs }).sendStep(files);
          this.log.info({ ...where, announcements: sent.announcements, sends: sent.files.map((file) => file.sends) }, 'day files pushed to the broker (13005 answered 0000)');
          return;
        } catch (error) {
          const detail = { ...where, attempt, error: error instanceof Error ? error.message : String(error), returnCode: error instanceof FileTransferError ? error.returnCode : undefined };
          if (!worthRetrying(error)) {
            this.log.error(detail, 'the broker did not take the day files; it has to fetch them');
            return;
          }
          this.log.warn(detail, 'day file push interrupted');
        }
      }
      if (attempt < this.settings.attempts) await pause(this.settings.retryDelayMs);
    }
    this.log.error(where, 'day files not pushed after every attempt; the broker has to fetch them');
  }

  /** The session as the engine sees it, with DELAY_FILE_CHUNK / CORRUPT_FILE_CHUNK applied to each 13009. */
  private withChunkFaults(connection: ProtocolConnection): FileRequester {
    const faults = this.faults;
    return {
      async request<N extends FileRequestName>(draft: RequestDraft<N>, options?: RequestOptions) {
        const file = draft as RequestDraft<FileRequestName>;
        if (file.name !== 'File.001.01' || file.instrCd !== INSTRUCTION_CODES.SEND_FILE_DATA || file.body.FileData === undefined) return connection.request(draft, options);
        const fault = faults.takeChunkFault(file.body.FileInfo?.FileName ?? '', file.body.StPos ?? 0);
        const fileData = await chunkDataUnder(fault, file.body.FileData);
        // The same 13009 with its FileData as the fault left it: N is File.001.01 here, which TS cannot follow.
        const faulted: RequestDraft<'File.001.01'> = { ...file, body: { ...file.body, FileData: fileData } };
        return connection.request(faulted as unknown as RequestDraft<N>, options);
      },
    };
  }
}
