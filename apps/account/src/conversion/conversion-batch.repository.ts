import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Currency } from '@custody/money';
import type { BatchFileFormat, BatchFileLine } from './batch-file';

/** A line's state: waiting for the worker, with its bank, or its result (domain.md F-12.2.2: per customer). */
export const BATCH_LINE_STATES = ['PENDING', 'SUBMITTED', 'PRE_DESIGNATED', 'FAILED', 'REFUSED'] as const;
export type BatchLineState = (typeof BATCH_LINE_STATES)[number];

export interface BatchRow {
  batchId: string;
  fileName: string | null;
  fileDigest: string;
  format: BatchFileFormat;
  lineCount: number;
  uploadedBy: string;
  createdAt: Date;
}

export interface PendingLine {
  batchId: string;
  lineNo: number;
  requestId: string;
  fundAccountNo: string;
  currency: Currency;
  bankCode: string;
  attempts: number;
  /** Who uploaded the batch: the principal its pre-designations are journaled as asked for by. */
  uploadedBy: string;
}

export interface LineRow {
  lineNo: number;
  state: BatchLineState;
  fundAccountNo: string | null;
  currency: Currency | null;
  bankCode: string | null;
  relationshipId: string | null;
  custodyAccountNo: string | null;
  failureCode: string | null;
  bankReturnCode: string | null;
  failureMessage: string | null;
}

/** What a line ends with, or SUBMITTED while its relationship awaits the bank. */
export interface LineResult {
  state: Exclude<BatchLineState, 'PENDING'>;
  relationshipId?: string;
  failure?: { code: string; bankReturnCode?: string | null; message: string };
}

const INSERT_CHUNK = 1000;

/** The batches of F-12.2.2 and their lines (account.conversion_batches, account.conversion_lines). */
@Injectable()
export class ConversionBatchRepository {
  /** The batch and every line of its file, in the caller's transaction: lines to do PENDING, unreadable ones REFUSED. */
  async insert(manager: EntityManager, batch: Omit<BatchRow, 'createdAt'>, lines: ReadonlyArray<BatchFileLine & { requestId?: string }>): Promise<void> {
    await manager.query(
      `INSERT INTO account.conversion_batches (batch_id, file_name, file_digest, format, line_count, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [batch.batchId, batch.fileName, batch.fileDigest, batch.format, batch.lineCount, batch.uploadedBy],
    );
    for (let i = 0; i < lines.length; i += INSERT_CHUNK) {
      const chunk = lines.slice(i, i + INSERT_CHUNK);
      const fields = chunk.map((line) => ('fields' in line ? line.fields : line.readable));
      await manager.query(
        `INSERT INTO account.conversion_lines (batch_id, line_no, request_id, fund_account_no, currency, bank_code, state, failure_code, failure_message)
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])`,
        [
          batch.batchId,
          chunk.map((line) => line.lineNo),
          chunk.map((line) => ('fields' in line ? line.requestId : null)),
          fields.map((f) => f.fundAccountNo ?? null),
          fields.map((f) => f.currency ?? null),
          fields.map((f) => f.bankCode ?? null),
          chunk.map((line) => ('fields' in line ? 'PENDING' : 'REFUSED')),
          chunk.map((line) => ('refusal' in line ? line.refusal.code : null)),
          chunk.map((line) => ('refusal' in line ? line.refusal.message : null)),
        ],
      );
    }
  }

  async batch(manager: EntityManager, batchId: string): Promise<BatchRow | undefined> {
    const [row]: BatchRow[] = await manager.query(
      `SELECT batch_id AS "batchId", file_name AS "fileName", file_digest AS "fileDigest", format, line_count AS "lineCount", uploaded_by AS "uploadedBy", created_at AS "createdAt"
         FROM account.conversion_batches WHERE batch_id = $1`,
      [batchId],
    );
    return row;
  }

  /** The first batch of the same file, when it came before this one: the run a re-run repeats. */
  async firstRunOf(manager: EntityManager, batchId: string): Promise<string | undefined> {
    // Compared with the row itself: a JS Date would cut the database's microseconds.
    const [row]: Array<{ batch_id: string }> = await manager.query(
      `SELECT b.batch_id FROM account.conversion_batches b
         JOIN account.conversion_batches me ON me.batch_id = $1 AND b.file_digest = me.file_digest
        WHERE (b.created_at, b.batch_id) < (me.created_at, me.batch_id)
        ORDER BY b.created_at, b.batch_id LIMIT 1`,
      [batchId],
    );
    return row?.batch_id;
  }

  async counts(manager: EntityManager, batchId: string): Promise<Record<BatchLineState, number>> {
    const rows: Array<{ state: BatchLineState; n: number }> = await manager.query(
      `SELECT state, count(*)::int AS n FROM account.conversion_lines WHERE batch_id = $1 GROUP BY state`,
      [batchId],
    );
    const counts = Object.fromEntries(BATCH_LINE_STATES.map((state) => [state, 0])) as Record<BatchLineState, number>;
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  /** A page of lines in file order after `afterLine`, optionally of one state; the custody account is the relationship's now. */
  async lines(manager: EntityManager, batchId: string, options: { afterLine: number; limit: number; state?: BatchLineState }): Promise<LineRow[]> {
    return manager.query(
      `SELECT l.line_no AS "lineNo", l.state, l.fund_account_no AS "fundAccountNo", l.currency, l.bank_code AS "bankCode",
              l.relationship_id AS "relationshipId", r.custody_account_no AS "custodyAccountNo",
              l.failure_code AS "failureCode", l.bank_return_code AS "bankReturnCode", l.failure_message AS "failureMessage"
         FROM account.conversion_lines l
         LEFT JOIN account.custody_relationships r ON r.id = l.relationship_id
        WHERE l.batch_id = $1 AND l.line_no > $2 AND ($4::text IS NULL OR l.state = $4)
        ORDER BY l.line_no LIMIT $3`,
      [batchId, options.afterLine, options.limit, options.state ?? null],
    );
  }

  /**
   * The next line to do, locked for the caller's transaction and skipped by every other worker's: the oldest batch
   * first, each batch in file order, none for the banks skipped (those with as many lines in flight as they take).
   */
  async takePending(manager: EntityManager, skippingBanks: readonly string[]): Promise<PendingLine | undefined> {
    const [row]: PendingLine[] = await manager.query(
      `SELECT l.batch_id AS "batchId", l.line_no AS "lineNo", l.request_id AS "requestId", l.fund_account_no AS "fundAccountNo",
              l.currency, l.bank_code AS "bankCode", l.attempts, b.uploaded_by AS "uploadedBy"
         FROM account.conversion_batches b
        CROSS JOIN LATERAL (
          SELECT * FROM account.conversion_lines p WHERE p.batch_id = b.batch_id AND p.state = 'PENDING' AND p.bank_code <> ALL($1::text[])
           ORDER BY p.line_no LIMIT 1 FOR UPDATE SKIP LOCKED) l
        ORDER BY b.created_at, b.batch_id LIMIT 1`,
      [skippingBanks],
    );
    return row;
  }

  /** Lines whose relationship still awaits its bank, per bank (every batch): what the worker keeps in flight. */
  async submittedByBank(manager: EntityManager): Promise<Map<string, number>> {
    const rows: Array<{ bank_code: string; n: number }> = await manager.query(
      `SELECT bank_code, count(*)::int AS n FROM account.conversion_lines WHERE state = 'SUBMITTED' GROUP BY bank_code`,
    );
    return new Map(rows.map((r) => [r.bank_code, r.n]));
  }

  async record(manager: EntityManager, line: Pick<PendingLine, 'batchId' | 'lineNo'>, result: LineResult): Promise<void> {
    await manager.query(
      `UPDATE account.conversion_lines
          SET state = $3, relationship_id = $4, failure_code = $5, bank_return_code = $6, failure_message = $7, updated_at = now()
        WHERE batch_id = $1 AND line_no = $2`,
      [line.batchId, line.lineNo, result.state, result.relationshipId ?? null, result.failure?.code ?? null, result.failure?.bankReturnCode ?? null, result.failure?.message ?? null],
    );
  }

  /** A try that failed for no domain reason; returns the tries so far. */
  async countFailedAttempt(manager: EntityManager, line: Pick<PendingLine, 'batchId' | 'lineNo'>): Promise<number> {
    // A CTE: TypeORM reshapes what a bare UPDATE … RETURNING answers.
    const [row]: Array<{ attempts: number }> = await manager.query(
      `WITH counted AS (
         UPDATE account.conversion_lines SET attempts = attempts + 1, updated_at = now()
          WHERE batch_id = $1 AND line_no = $2 AND state = 'PENDING' RETURNING attempts)
       SELECT attempts FROM counted`,
      [line.batchId, line.lineNo],
    );
    return row?.attempts ?? 0;
  }

  /**
   * Every SUBMITTED line whose relationship the bank has answered takes its result: PRE_DESIGNATED (also when the
   * customer confirmed it since, or it ended later), FAILED with the relationship's failure. Returns how many.
   */
  async settleSubmitted(manager: EntityManager): Promise<number> {
    const rows: unknown[] = await manager.query(
      `WITH settled AS (
         UPDATE account.conversion_lines l
            SET state = CASE WHEN r.status = 'FAILED' THEN 'FAILED' ELSE 'PRE_DESIGNATED' END,
                failure_code = CASE WHEN r.status = 'FAILED' THEN coalesce(r.failure_code, 'BANK_REJECTED') END,
                bank_return_code = CASE WHEN r.status = 'FAILED' THEN r.bank_return_code END,
                failure_message = CASE WHEN r.status = 'FAILED' THEN coalesce(r.failure_message, 'the bank refused the pre-designation') END,
                updated_at = now()
           FROM account.custody_relationships r
          WHERE l.state = 'SUBMITTED' AND r.id = l.relationship_id AND r.status <> 'PENDING'
          RETURNING 1)
       SELECT 1 FROM settled`,
    );
    return rows.length;
  }
}
