import type { DayFileDescriptor } from '@custody/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { expiredRows, qualifiedTable, type RetentionTask } from '@custody/persistence';

/** A 13005 of the bank's by its `Ref`: the issuer and the serial. */
export interface AnnouncementRef {
  readonly issuerId: string;
  readonly serialNo: string;
}

/** How a 13005 was answered, to answer a repeat of it the same way. */
export interface AnsweredAnnouncement {
  readonly returnCode: string;
  readonly info?: string;
  readonly replySerial: string;
}

interface AnnouncementRow {
  return_code: string;
  info: string | null;
  reply_serial: string;
}

/** `bank_adapter.bank_announcements`: the bank's 13005s and their answers (profile §4: a `Ref` is processed once). */
export class BankAnnouncementRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(bankCode: string, ref: AnnouncementRef): Promise<AnsweredAnnouncement | undefined> {
    const [row]: AnnouncementRow[] = await this.dataSource.query(
      `SELECT return_code, info, reply_serial FROM bank_adapter.bank_announcements WHERE bank_code = $1 AND issuer_id = $2 AND serial_no = $3`,
      [bankCode, ref.issuerId, ref.serialNo],
    );
    return row && { returnCode: row.return_code, replySerial: row.reply_serial, ...(row.info === null ? {} : { info: row.info }) };
  }

  /** Records the answer once; false when this `Ref` was answered before (its first answer stands). */
  async record(manager: EntityManager, bankCode: string, ref: AnnouncementRef, answer: AnsweredAnnouncement, files: readonly DayFileDescriptor[]): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO bank_adapter.bank_announcements (bank_code, issuer_id, serial_no, return_code, info, reply_serial, files)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT DO NOTHING RETURNING serial_no`,
      [bankCode, ref.issuerId, ref.serialNo, answer.returnCode, answer.info ?? null, answer.replySerial, JSON.stringify(files)],
    );
    return rows.length === 1;
  }
}

/**
 * A bank repeats a 13005 whose answer it lost within its day; a month covers any repeat, like an inbox
 * entry (`CUSTODY_RETENTION_BANK_ANNOUNCEMENTS_DAYS`).
 */
export function bankAnnouncementsRetention(retentionMs: number): RetentionTask {
  return expiredRows({ name: 'bank_adapter.bank_announcements', table: qualifiedTable('bank_adapter', 'bank_announcements'), timestampColumn: 'answered_at', retentionMs });
}
