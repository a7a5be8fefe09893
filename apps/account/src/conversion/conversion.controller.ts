import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { type Caller, DomainError, principalOf, Roles, VerifiedCaller } from '@custody/service-kit';
import { AccountCleanupService } from './account-cleanup.service';
import { BATCH_FILE_CONTENT_TYPES, BatchFileError, batchFileFormat, MAX_BATCH_FILE_BYTES } from './batch-file';
import { ConversionBatchService } from './conversion-batch.service';
import { pageLimit } from './conversion-page';
import { BatchPageQuery, CleanupQuery, StartDormantMarkingBody, UploadBatchQuery } from './conversion.dto';
import { DormantMarkingService } from './dormant-marking.service';

/** Customer conversion (domain.md §12), for operators; auditors and supervisors read. */
@ApiTags('customer conversion')
@ApiBearerAuth()
@Controller('v1/conversion')
export class ConversionController {
  constructor(
    private readonly cleanup: AccountCleanupService,
    private readonly batches: ConversionBatchService,
    private readonly markings: DormantMarkingService,
  ) {}

  @Get('account-cleanup')
  @Roles('operator', 'supervisor', 'auditor')
  @ApiOperation({
    summary: 'F-12.1 account clean-up: fund accounts whose customer identity is incomplete or ill-formed, or whose relationship is DORMANT',
    description:
      'In fund account number order, each currency of a number an item of its own. Each item names its `reasons` (NAME_MISSING, NAME_ILL_FORMED, ID_TYPE_ILL_FORMED, ID_TYPE_NOT_FOR_CUSTOMER_TYPE, ' +
      'ID_NUMBER_MISSING, ID_NUMBER_ILL_FORMED, DORMANT). A page may hold fewer than `limit` items: follow `nextCursor` until it is absent.',
  })
  @ApiOkResponse({ description: '`{ items: [{ fundAccountNo, customerNo, currency, role, branchId, customerName, customerType, idType, idNumberMasked, relationship?, reasons }], nextCursor? }`' })
  @ApiBadRequestResponse({ description: 'problem+json VALIDATION_FAILED: a category, cursor or limit this API does not take' })
  report(@Query() query: CleanupQuery) {
    return this.cleanup.report({ category: query.category, cursor: query.cursor, limit: pageLimit(query.limit, 100, 500) });
  }

  @Post('batches')
  @HttpCode(202)
  @Roles('operator')
  @ApiConsumes(...BATCH_FILE_CONTENT_TYPES)
  @ApiBody({ description: 'one `fundAccountNo,currency,bankCode` per line: CSV (optional header line of those names) or NDJSON (one object per line)', schema: { type: 'string' } })
  @ApiOperation({
    summary: 'F-12.2.2 batch pre-designation: each line becomes an F-3.1 pre-designation at its bank; progress and results per line at GET',
    description:
      'Idempotent by `requestId` (the same file again under it answers the same batch). The same file under another `requestId` runs it again: ' +
      'every line answers what it got before (nothing is sent twice); a line refused then is tried again. A bad line is that line’s REFUSED result.',
  })
  @ApiAcceptedResponse({ description: 'the batch, as GET shows it' })
  @ApiBadRequestResponse({ description: 'problem+json VALIDATION_FAILED: no lines, not UTF-8 text, more lines than a batch takes, a missing requestId; nothing kept' })
  @ApiResponse({ status: 413, description: 'problem+json PAYLOAD_TOO_LARGE: over 8 MiB' })
  @ApiResponse({ status: 415, description: 'problem+json UNSUPPORTED_MEDIA_TYPE: neither text/csv nor application/x-ndjson' })
  @ApiConflictResponse({ description: 'problem+json IDEMPOTENCY_KEY_REUSED: the requestId was used with another file' })
  async upload(@Query() query: UploadBatchQuery, @Req() request: Request, @VerifiedCaller() caller: Caller) {
    // Refused before the body is read: a JSON body was parsed already and is no file of ours.
    batchFileFormatOrRefuse(request.headers['content-type']);
    const bytes = await readBody(request);
    const batchId = await this.batches.upload({ requestId: query.requestId, fileName: query.fileName, contentType: request.headers['content-type'], bytes, uploadedBy: principalOf(caller) });
    return this.batches.view(batchId, { limit: 100 });
  }

  @Get('batches/:batchId')
  @Roles('operator', 'supervisor', 'auditor')
  @ApiOperation({ summary: 'A batch: counts by state, `done`, and its lines in file order (paged), each with its result' })
  @ApiOkResponse({
    description:
      '`{ batchId, fileName?, fileDigest, format, rerunOf?, uploadedBy, uploadedAt, lineCount, counts: { PENDING, SUBMITTED, PRE_DESIGNATED, FAILED, REFUSED }, done, ' +
      'lines: [{ lineNo, state, fundAccountNo?, currency?, bankCode?, relationshipId?, custodyAccountNo?, failure?: { code, bankReturnCode?, message } }], nextCursor? }`',
  })
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND' })
  batch(@Param('batchId', new ParseUUIDPipe()) batchId: string, @Query() query: BatchPageQuery) {
    return this.batches.view(batchId, { cursor: query.cursor, state: query.state, limit: pageLimit(query.limit, 100, 1000) });
  }

  @Post('dormant-markings')
  @HttpCode(202)
  @Roles('operator')
  @ApiOperation({
    summary: 'F-12.3: mark DORMANT every pre-designated relationship whose fund ledger is zero and idle for dormantAfterDays',
    description: 'A job: the relationships are checked against their ledgers as the answers come; GET shows how far it is. Idempotent by `requestId`.',
  })
  @ApiAcceptedResponse({ description: '`{ markingId, asOf, dormantAfterDays, cutoffDate, requestedBy, requestedAt, state, counts }`' })
  @ApiConflictResponse({ description: 'problem+json IDEMPOTENCY_KEY_REUSED' })
  async mark(@Body() body: StartDormantMarkingBody, @VerifiedCaller() caller: Caller) {
    return this.markings.view(await this.markings.start(body.requestId, principalOf(caller)));
  }

  @Get('dormant-markings/:markingId')
  @Roles('operator', 'supervisor', 'auditor')
  @ApiOkResponse({ description: '`{ markingId, asOf, dormantAfterDays, cutoffDate, requestedBy, requestedAt, state: REQUESTING|CHECKING|DONE, counts: { PENDING, DORMANT, ACTIVE, SKIPPED } }`' })
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND' })
  marking(@Param('markingId', new ParseUUIDPipe()) markingId: string) {
    return this.markings.view(markingId);
  }
}

function batchFileFormatOrRefuse(contentType: string | undefined): void {
  try {
    batchFileFormat(contentType);
  } catch (error) {
    if (error instanceof BatchFileError) throw new DomainError(error.code, error.detail);
    throw error;
  }
}

/** The raw file, refused PAYLOAD_TOO_LARGE as soon as it passes the limit (no more of it is kept). */
async function readBody(request: Request): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BATCH_FILE_BYTES) throw new DomainError('PAYLOAD_TOO_LARGE', `a batch file holds at most ${MAX_BATCH_FILE_BYTES} bytes: split it`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
