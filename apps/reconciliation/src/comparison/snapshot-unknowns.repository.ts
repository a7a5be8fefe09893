import { Injectable } from '@nestjs/common';
import { matchKeyOf } from '@custody/bank-protocol';
import type { EntityManager } from 'typeorm';
import type { SnapshotUnknown } from '../breaks/break-proposal';
import { chk01RecordOf } from '../broker-files/chk01-record-json';

/** The transfers the transfer service held UNKNOWN at a bank's 13011, kept for that day's comparison. */
@Injectable()
export class SnapshotUnknownsRepository {
  /** The owner's list as it stands: the snapshot is fixed, so a second fetch can only say the same. */
  async replace(manager: EntityManager, bankCode: string, businessDate: string, unknowns: readonly SnapshotUnknown[]): Promise<void> {
    await manager.query(`DELETE FROM reconciliation.snapshot_unknowns WHERE bank_code = $1 AND business_date = $2`, [bankCode, businessDate]);
    if (unknowns.length === 0) return;
    await manager.query(
      `INSERT INTO reconciliation.snapshot_unknowns (bank_code, business_date, transfer_id, match_key, record)
       SELECT $1, $2, transfer_id, match_key, record FROM jsonb_to_recordset($3::jsonb) AS r(transfer_id uuid, match_key text, record jsonb)`,
      [bankCode, businessDate, JSON.stringify(unknowns.map((u) => ({ transfer_id: u.transferId, match_key: matchKeyOf('CHK01', u.record), record: u.record })))],
    );
  }

  /** By match key. A day ends with few UNKNOWN transfers (each is an incident), so they are held at once. */
  async byKey(manager: EntityManager, bankCode: string, businessDate: string): Promise<Map<string, SnapshotUnknown>> {
    const rows: Array<{ transfer_id: string; match_key: string; record: unknown }> = await manager.query(
      `SELECT transfer_id, match_key, record FROM reconciliation.snapshot_unknowns WHERE bank_code = $1 AND business_date = $2`,
      [bankCode, businessDate],
    );
    return new Map(rows.map((row) => [row.match_key, { transferId: row.transfer_id, record: chk01RecordOf(row.record) }]));
  }
}
