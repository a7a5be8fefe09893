import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { ErrorCode } from '@custody/contracts';
import { CUSTODY_CONFIG, type CustodyConfig, DomainError, IdempotencyStore } from '@custody/service-kit';
import { CustodyRelationship } from '../custody/custody-relationship.entity';
import { DesignationService } from '../custody/designation.service';
import { BatchFileError, batchFileFormat, readBatchFile } from './batch-file';
import { fileDigestOf, lineRequestId } from './batch-identity';
import { type BatchLineState, ConversionBatchRepository, type LineResult, type LineRow, type PendingLine } from './conversion-batch.repository';
import { decodeLineCursor, encodeLineCursor } from './conversion-page';

const SCOPE = 'conversion-batch';
/** Tries of a line that fail for no domain reason (a bug, a corrupt record) before it is refused INTERNAL and the batch goes on. */
const MAX_LINE_ATTEMPTS = 5;

export interface BatchUpload {
  readonly requestId: string;
  readonly fileName?: string;
  readonly contentType: string | undefined;
  readonly bytes: Buffer;
  /** Who uploaded it: the token's subject@issuer. */
  readonly uploadedBy: string;
}

export interface BatchLineView {
  lineNo: number;
  state: BatchLineState;
  fundAccountNo?: string;
  currency?: string;
  bankCode?: string;
  relationshipId?: string;
  custodyAccountNo?: string;
  failure?: { code: string; bankReturnCode?: string; message: string };
}

export interface BatchView {
  batchId: string;
  fileName?: string;
  fileDigest: string;
  format: string;
  /** The first batch of the same file, when this one runs it again. */
  rerunOf?: string;
  uploadedBy: string;
  uploadedAt: string;
  lineCount: number;
  counts: Record<BatchLineState, number>;
  /** No line PENDING or SUBMITTED: every customer has its result. */
  done: boolean;
  lines: BatchLineView[];
  nextCursor?: string;
}

/**
 * F-12.2.2 batch conversion: a file of customers pre-designated in bulk, each line an F-3.1 pre-designation through
 * `DesignationService` (11002 to the bank via the saga and the adapter) under a `requestId` derived from the file and
 * the line (batch-identity.ts). The batch and its lines are rows: the upload writes them, a worker takes PENDING lines
 * one per transaction and the relationships' answers settle them, so a crash mid-batch loses nothing and the next
 * worker goes on. A line that fails or is refused is that line's result; the others go on.
 */
@Injectable()
export class ConversionBatchService {
  private readonly logger = new Logger(ConversionBatchService.name);
  private readonly banks: ReadonlySet<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: IdempotencyStore,
    private readonly designations: DesignationService,
    private readonly batches: ConversionBatchRepository,
    @Inject(CUSTODY_CONFIG) config: CustodyConfig,
  ) {
    this.banks = new Set(config.banks.map((bank) => bank.code));
  }

  /** Reads the file (a bad one is refused whole, nothing kept) and records the batch; returns its id. */
  async upload(upload: BatchUpload): Promise<string> {
    let lines;
    let format;
    try {
      format = batchFileFormat(upload.contentType);
      lines = readBatchFile(upload.bytes, format, this.banks);
    } catch (error) {
      if (error instanceof BatchFileError) throw new DomainError(error.code, error.detail);
      throw error;
    }
    const fileDigest = fileDigestOf(upload.bytes);
    return this.dataSource.transaction(async (manager) => {
      const { replayOf } = await this.idempotency.claim(manager, SCOPE, upload.requestId, { requestId: upload.requestId, fileDigest, fileName: upload.fileName, format });
      if (replayOf) return replayOf;
      const batchId = randomUUID();
      await this.batches.insert(
        manager,
        { batchId, fileName: upload.fileName ?? null, fileDigest, format, lineCount: lines.length, uploadedBy: upload.uploadedBy },
        lines.map((line) => ('fields' in line ? { ...line, requestId: lineRequestId(fileDigest, line.lineNo) } : line)),
      );
      await this.idempotency.complete(manager, SCOPE, upload.requestId, batchId);
      this.logger.log({ batchId, fileDigest, lines: lines.length, refusedOnReading: lines.filter((l) => 'refusal' in l).length }, 'conversion batch recorded; the worker pre-designates its lines');
      return batchId;
    });
  }

  async view(batchId: string, page: { cursor?: string; limit: number; state?: BatchLineState }): Promise<BatchView> {
    const afterLine = decodeLineCursor(page.cursor);
    // One snapshot: the counts, `done` and the lines must describe the same moment, or a reader polling for `done`
    // could see the worker's last result in the counts and not yet in the lines.
    const { batch, counts, lines, rerunOf } = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const found = await this.batches.batch(manager, batchId);
      if (!found) throw new DomainError('NOT_FOUND', `conversion batch ${batchId} does not exist`);
      return {
        batch: found,
        counts: await this.batches.counts(manager, batchId),
        lines: await this.batches.lines(manager, batchId, { afterLine, limit: page.limit + 1, state: page.state }),
        rerunOf: await this.batches.firstRunOf(manager, batchId),
      };
    });
    const shown = lines.slice(0, page.limit);
    return {
      batchId,
      ...(batch.fileName === null ? {} : { fileName: batch.fileName }),
      fileDigest: batch.fileDigest,
      format: batch.format,
      ...(rerunOf ? { rerunOf } : {}),
      uploadedBy: batch.uploadedBy,
      uploadedAt: batch.createdAt.toISOString(),
      lineCount: batch.lineCount,
      counts,
      done: counts.PENDING === 0 && counts.SUBMITTED === 0,
      lines: shown.map(lineView),
      ...(lines.length > page.limit ? { nextCursor: encodeLineCursor(shown[shown.length - 1].lineNo) } : {}),
    };
  }

  /** Lines whose relationship the bank answered take their result; returns how many. */
  async settleSubmitted(): Promise<number> {
    return this.dataSource.transaction((manager) => this.batches.settleSubmitted(manager));
  }

  /**
   * Takes the next PENDING line whose bank has fewer than `maxInFlightPerBank` lines with it (every batch together)
   * and pre-designates it, in one transaction; false when there is none. Per bank, so a bank that takes requests and
   * never answers holds up its own lines only.
   */
  async processNext(maxInFlightPerBank: number): Promise<boolean> {
    let taken: PendingLine | undefined;
    const inFlight = await this.batches.submittedByBank(this.dataSource.manager);
    const saturated = [...inFlight].filter(([, n]) => n >= maxInFlightPerBank).map(([bankCode]) => bankCode);
    try {
      return await this.dataSource.transaction(async (manager) => {
        taken = await this.batches.takePending(manager, saturated);
        if (!taken) return false;
        await this.batches.record(manager, taken, await this.preDesignate(manager, taken));
        return true;
      });
    } catch (error) {
      if (!taken) throw error;
      await this.countFailure(taken, error);
      return true;
    }
  }

  /**
   * One line: F-3.1 in a savepoint, so a refusal (an incomplete identity among them) undoes its idempotency claim and
   * leaves only the line's result. A replay (a re-run of the file) answers the relationship the first run opened,
   * settled or not.
   */
  private async preDesignate(manager: EntityManager, line: PendingLine): Promise<LineResult> {
    let relationshipId: string;
    try {
      relationshipId = await manager.transaction((savepoint) =>
        this.designations.preDesignateIn(savepoint, { requestId: line.requestId, fundAccountNo: line.fundAccountNo, currency: line.currency, bankCode: line.bankCode }, line.uploadedBy),
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { state: 'REFUSED', failure: { code: error.code, message: error.detail } };
    }
    const relationship = await manager.findOneByOrFail(CustodyRelationship, { id: relationshipId });
    if (relationship.status === 'PENDING') return { state: 'SUBMITTED', relationshipId };
    if (relationship.status === 'FAILED') {
      const failure = { code: relationship.failureCode ?? 'BANK_REJECTED', bankReturnCode: relationship.bankReturnCode, message: relationship.failureMessage ?? 'the bank refused the pre-designation' };
      return { state: 'FAILED', relationshipId, failure };
    }
    return { state: 'PRE_DESIGNATED', relationshipId };
  }

  private async countFailure(line: PendingLine, error: unknown): Promise<void> {
    const why = error instanceof Error ? error.message : String(error);
    await this.dataSource.transaction(async (manager) => {
      const attempts = await this.batches.countFailedAttempt(manager, line);
      this.logger.error({ batchId: line.batchId, lineNo: line.lineNo, attempts, err: error }, 'a conversion line failed for no domain reason; it is taken again');
      if (attempts < MAX_LINE_ATTEMPTS) return;
      const code: ErrorCode = 'INTERNAL';
      await this.batches.record(manager, line, { state: 'REFUSED', failure: { code, message: `not pre-designated after ${attempts} tries (${why}); the other lines went on` } });
    });
  }
}

function lineView(row: LineRow): BatchLineView {
  return {
    lineNo: row.lineNo,
    state: row.state,
    ...(row.fundAccountNo === null ? {} : { fundAccountNo: row.fundAccountNo }),
    ...(row.currency === null ? {} : { currency: row.currency }),
    ...(row.bankCode === null ? {} : { bankCode: row.bankCode }),
    ...(row.relationshipId === null ? {} : { relationshipId: row.relationshipId }),
    ...(row.custodyAccountNo === null ? {} : { custodyAccountNo: row.custodyAccountNo }),
    ...(row.failureCode === null
      ? {}
      : { failure: { code: row.failureCode, ...(row.bankReturnCode === null ? {} : { bankReturnCode: row.bankReturnCode }), message: row.failureMessage ?? '' } }),
  };
}
