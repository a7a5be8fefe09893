import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { StoredDayFile } from '../day-files/day-file.store';

/** One version of a file read into the comparison, or refused. */
export interface FileLoad {
  readonly loadId: string;
  readonly fileId: string;
  readonly side: 'S' | 'B';
  readonly fileType: string;
  readonly fileName: string;
  readonly status: 'LOADED' | 'FAILED';
  readonly records: number;
  readonly error: string | null;
}

interface LoadRow {
  load_id: string;
  file_id: string;
  side: 'S' | 'B';
  file_type: string;
  file_name: string;
  status: 'LOADED' | 'FAILED';
  records: string;
  error: string | null;
}

const toLoad = (row: LoadRow): FileLoad => ({
  loadId: row.load_id,
  fileId: row.file_id,
  side: row.side,
  fileType: row.file_type,
  fileName: row.file_name,
  status: row.status,
  records: Number(row.records),
  error: row.error,
});

/** Which file versions the comparison holds, and what it made of them. */
@Injectable()
export class FileLoadsRepository {
  /** A load row for `file`, LOADED unless the transaction it is in rolls back (its records go in with it). */
  async begin(manager: EntityManager, file: StoredDayFile): Promise<string> {
    const [row]: Array<{ load_id: string }> = await manager.query(
      `INSERT INTO reconciliation.file_loads (file_id, bank_code, business_date, side, file_type, status) VALUES ($1, $2, $3, $4, $5, 'LOADED') RETURNING load_id`,
      [file.fileId, file.bankCode, file.descriptor.businessDate, file.descriptor.side, file.descriptor.type],
    );
    return row.load_id;
  }

  async finish(manager: EntityManager, loadId: string, records: number): Promise<void> {
    await manager.query(`UPDATE reconciliation.file_loads SET records = $2 WHERE load_id = $1`, [loadId, records]);
  }

  /** A version that cannot be read: kept as the newest load of its file, so nothing compares against older data. */
  async refuse(manager: EntityManager, file: StoredDayFile, error: string): Promise<void> {
    await manager.query(
      `INSERT INTO reconciliation.file_loads (file_id, bank_code, business_date, side, file_type, status, error) VALUES ($1, $2, $3, $4, $5, 'FAILED', $6)`,
      [file.fileId, file.bankCode, file.descriptor.businessDate, file.descriptor.side, file.descriptor.type, error],
    );
  }

  /** The records of older loads of the same file are no longer compared: they go. */
  async dropOlder(manager: EntityManager, file: StoredDayFile, loadId: string, table: 'check_records' | 'dif_records'): Promise<void> {
    await manager.query(
      `DELETE FROM reconciliation.${table} WHERE load_id IN (
         SELECT load_id FROM reconciliation.file_loads WHERE bank_code = $1 AND business_date = $2 AND side = $3 AND file_type = $4 AND load_id < $5)`,
      [file.bankCode, file.descriptor.businessDate, file.descriptor.side, file.descriptor.type, loadId],
    );
  }

  /** The newest load of each (side, type) of a bank's day. */
  async current(manager: EntityManager, bankCode: string, businessDate: string): Promise<FileLoad[]> {
    const rows: LoadRow[] = await manager.query(
      `SELECT DISTINCT ON (l.side, l.file_type) l.load_id, l.file_id, l.side, l.file_type, f.file_name, l.status, l.records, l.error
         FROM reconciliation.file_loads l JOIN reconciliation.day_files f ON f.file_id = l.file_id
        WHERE l.bank_code = $1 AND l.business_date = $2
        ORDER BY l.side, l.file_type, l.load_id DESC`,
      [bankCode, businessDate],
    );
    return rows.map(toLoad);
  }

  /** Has this version been read (or refused) already? */
  async ofFile(manager: EntityManager, fileId: string): Promise<FileLoad | null> {
    const rows: LoadRow[] = await manager.query(
      `SELECT l.load_id, l.file_id, l.side, l.file_type, f.file_name, l.status, l.records, l.error
         FROM reconciliation.file_loads l JOIN reconciliation.day_files f ON f.file_id = l.file_id
        WHERE l.file_id = $1 ORDER BY l.load_id DESC LIMIT 1`,
      [fileId],
    );
    return rows.length === 0 ? null : toLoad(rows[0]);
  }
}

/** The current loads of a day by side and type, e.g. `pick(loads, 'B', 'CHK01')`. */
export function pick(loads: readonly FileLoad[], side: 'S' | 'B', type: string): FileLoad | undefined {
  return loads.find((load) => load.side === side && load.fileType === type);
}
