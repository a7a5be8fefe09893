import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { FileDigest } from '@custody/bank-protocol';
import type { DayFileDescriptor } from '@custody/contracts';
import { lockForTransaction } from '@custody/persistence';
import { DomainError } from '@custody/service-kit';
import { DataSource, type EntityManager } from 'typeorm';
import { dayFileDescriptor, type NamedDayFile } from './day-file-descriptor';

/** Bytes of a file per row: large enough for few rows, small enough that neither side ever holds a file. */
export const CHUNK_BYTES = 1024 * 1024;

/** One stored version of a day file of one bank. */
export interface StoredDayFile {
  readonly fileId: string;
  readonly bankCode: string;
  readonly version: number;
  readonly descriptor: DayFileDescriptor;
  readonly storedAt: string;
  /** The newest version of its (bank, name): the one served and read. */
  readonly current: boolean;
}

/** What the sender says of a file it hands over (the PUT's headers); absent length/mac are measured only. */
export interface IncomingDayFile {
  readonly bankCode: string;
  readonly file: NamedDayFile;
  readonly busCode: string;
  readonly fileTime: string;
  readonly fileLen?: number;
  readonly fileMac?: string;
}

export interface StoreResult {
  readonly stored: StoredDayFile;
  /** False when the same file (name and FileMac) was held already: nothing was written. */
  readonly created: boolean;
}

interface FileRow {
  file_id: string;
  bank_code: string;
  file_name: string;
  version: number;
  side: 'S' | 'B';
  file_type: string;
  business_date: string;
  bus_code: string;
  file_len: string;
  file_mac: string;
  file_time: string;
  stored_at: Date;
  current: boolean;
}

const FILE_COLUMNS = `f.file_id, f.bank_code, f.file_name, f.version, f.side, f.file_type, f.business_date::text AS business_date, f.bus_code,
  f.file_len, f.file_mac, f.file_time, f.stored_at,
  f.version = max(f.version) OVER (PARTITION BY f.bank_code, f.file_name) AS current`;

function toStored(row: FileRow): StoredDayFile {
  return {
    fileId: row.file_id,
    bankCode: row.bank_code,
    version: row.version,
    descriptor: dayFileDescriptor(
      { fileName: row.file_name, side: row.side, type: row.file_type as NamedDayFile['type'], businessDate: row.business_date },
      { busCode: row.bus_code, fileLen: Number(row.file_len), fileMac: row.file_mac, fileTime: row.file_time },
    ),
    storedAt: row.stored_at.toISOString(),
    current: row.current,
  };
}

/**
 * Every day file sent or received, per bank, with every version kept (docs/design.md "Reconciliation").
 * Bytes go in and come out as streams of ≤ 1 MiB rows, so no file is ever whole in memory; a
 * version is stored in one transaction after its length and FileMac were checked, and never changes after.
 */
@Injectable()
export class DayFileStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores the bytes as the new current version of (bank, name) — unless the current version has the same
   * FileMac (then nothing is written, and `bytes` is not read when the sender announced that FileMac). When the
   * sender announced a length or FileMac, bytes that do not match are refused (`VALIDATION_FAILED`, status 422)
   * and nothing is stored.
   */
  async store(incoming: IncomingDayFile, bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<StoreResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const manager = runner.manager;
      // Two senders of one file (a PUSH and a FETCH of the same file) store it one after the other.
      await lockForTransaction(manager, `reconciliation.day-file|${incoming.bankCode}|${incoming.file.fileName}`);
      const held = await this.currentIn(manager, incoming.bankCode, incoming.file.fileName);
      if (held && incoming.fileMac !== undefined && held.descriptor.fileMac === incoming.fileMac.toUpperCase()) {
        await runner.commitTransaction();
        return { stored: held, created: false };
      }
      const fileId = randomUUID();
      const measured = await this.writeChunks(manager, fileId, bytes);
      refuseUnlike(incoming, measured);
      if (held && held.descriptor.fileMac === measured.fileMac) {
        await runner.rollbackTransaction();
        return { stored: held, created: false };
      }
      const descriptor = dayFileDescriptor(incoming.file, { busCode: incoming.busCode, fileTime: incoming.fileTime, ...measured });
      await manager.query(
        `INSERT INTO reconciliation.day_files (file_id, bank_code, file_name, version, side, file_type, business_date, bus_code, file_len, file_mac, file_time)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [fileId, incoming.bankCode, descriptor.fileName, (held?.version ?? 0) + 1, descriptor.side, descriptor.type, descriptor.businessDate, descriptor.busCode, descriptor.fileLen, descriptor.fileMac, descriptor.fileTime],
      );
      await runner.commitTransaction();
      const stored = await this.current(incoming.bankCode, incoming.file.fileName);
      if (!stored) throw new Error(`${incoming.file.fileName} of ${incoming.bankCode} vanished after it was stored`);
      return { stored, created: true };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  current(bankCode: string, fileName: string): Promise<StoredDayFile | null> {
    return this.currentIn(this.dataSource.manager, bankCode, fileName);
  }

  /** The version of (bank, name) with this FileMac, the newest if it was stored more than once. */
  async withMac(bankCode: string, fileName: string, fileMac: string): Promise<StoredDayFile | null> {
    const rows: FileRow[] = await this.dataSource.query(
      `SELECT * FROM (SELECT ${FILE_COLUMNS} FROM reconciliation.day_files f WHERE f.bank_code = $1 AND f.file_name = $2) v
        WHERE v.file_mac = $3 ORDER BY v.version DESC LIMIT 1`,
      [bankCode, fileName, fileMac.toUpperCase()],
    );
    return rows.length === 0 ? null : toStored(rows[0]);
  }

  /** Every version of every file of a business date, of one bank or all, by bank, name and version. */
  async list(businessDate: string, bankCode?: string): Promise<StoredDayFile[]> {
    const rows: FileRow[] = await this.dataSource.query(
      `SELECT ${FILE_COLUMNS} FROM reconciliation.day_files f
        WHERE f.business_date = $1 AND ($2::text IS NULL OR f.bank_code = $2)
        ORDER BY f.bank_code, f.file_name, f.version`,
      [businessDate, bankCode ?? null],
    );
    return rows.map(toStored);
  }

  /** The bytes of one version from byte `from` on, a stored row at a time (a version never changes). */
  async *bytes(fileId: string, from = 0): AsyncGenerator<Buffer> {
    const first: Array<{ seq: number }> = await this.dataSource.query(
      `SELECT seq FROM reconciliation.day_file_chunks WHERE file_id = $1 AND start_pos <= $2 ORDER BY seq DESC LIMIT 1`,
      [fileId, from],
    );
    if (first.length === 0) return;
    for (let seq = first[0].seq; ; seq += 1) {
      const rows: Array<{ start_pos: string; data: Buffer }> = await this.dataSource.query(
        `SELECT start_pos, data FROM reconciliation.day_file_chunks WHERE file_id = $1 AND seq = $2`,
        [fileId, seq],
      );
      if (rows.length === 0) return;
      const skip = Math.max(0, from - Number(rows[0].start_pos));
      if (skip < rows[0].data.length) yield skip === 0 ? rows[0].data : rows[0].data.subarray(skip);
    }
  }

  private async currentIn(manager: EntityManager, bankCode: string, fileName: string): Promise<StoredDayFile | null> {
    const rows: FileRow[] = await manager.query(
      `SELECT ${FILE_COLUMNS} FROM reconciliation.day_files f WHERE f.bank_code = $1 AND f.file_name = $2 ORDER BY f.version DESC LIMIT 1`,
      [bankCode, fileName],
    );
    return rows.length === 0 ? null : toStored(rows[0]);
  }

  /** Writes the bytes as ≤ 1 MiB rows while measuring them; returns their length and FileMac. */
  private async writeChunks(manager: EntityManager, fileId: string, bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<{ fileLen: number; fileMac: string }> {
    const digest = new FileDigest();
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seq = 0;
    let written = 0;
    const flush = async (data: Buffer) => {
      await manager.query(`INSERT INTO reconciliation.day_file_chunks (file_id, seq, start_pos, data) VALUES ($1, $2, $3, $4)`, [fileId, seq, written, data]);
      seq += 1;
      written += data.length;
    };
    for await (const piece of bytes) {
      const buffer = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
      digest.update(buffer);
      pending.push(buffer);
      pendingBytes += buffer.length;
      while (pendingBytes >= CHUNK_BYTES) {
        const all = Buffer.concat(pending, pendingBytes);
        await flush(all.subarray(0, CHUNK_BYTES));
        pending = all.length > CHUNK_BYTES ? [all.subarray(CHUNK_BYTES)] : [];
        pendingBytes = all.length - CHUNK_BYTES;
      }
    }
    if (pendingBytes > 0) await flush(Buffer.concat(pending, pendingBytes));
    return { fileLen: digest.bytes, fileMac: digest.hex() };
  }
}

/** The sender's FileLen and FileMac must be those of the bytes it sent (bank-protocol.md §5, 13005). */
function refuseUnlike(incoming: IncomingDayFile, measured: { fileLen: number; fileMac: string }): void {
  const defects: string[] = [];
  if (incoming.fileLen !== undefined && incoming.fileLen !== measured.fileLen) defects.push(`${measured.fileLen} bytes received, x-file-len says ${incoming.fileLen}`);
  if (incoming.fileMac !== undefined && incoming.fileMac.toUpperCase() !== measured.fileMac) defects.push(`SM3 of the bytes is ${measured.fileMac}, x-file-mac says ${incoming.fileMac}`);
  if (defects.length > 0) {
    throw new DomainError('VALIDATION_FAILED', `${incoming.file.fileName} of bank ${incoming.bankCode} not stored: ${defects.join('; ')}`, { status: 422 });
  }
}
