import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiPropertyOptional,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { awaitState, parseWaitMs, Roles, SettledNotifications } from '@custody/service-kit';
import { InternalTransferService } from '../internal/internal-transfer.service';
import { RequestTransferBody, TransferPageView, TransferView } from './transfer.dto';
import { FINAL_STATUSES, TRANSFER_STATUSES, type TransferStatus } from './transfer.entity';
import { TransferQueryService, transferView } from './transfer-query.service';
import { TransferAdmission } from './transfer-admission';
import { TransferService } from './transfer.service';

export class ListTransfersQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() fundAccountNo?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) businessDate?: string;
  @ApiPropertyOptional({ enum: TRANSFER_STATUSES }) @IsOptional() @IsIn(TRANSFER_STATUSES) status?: TransferStatus;
  @ApiPropertyOptional({ description: 'the `nextCursor` of the previous page (opaque); pages are newest first' }) @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional({ description: 'page size, 1-500 (default 50)' }) @IsOptional() @Matches(/^\d{1,3}$/) limit?: string;
}

@ApiTags('transfers')
@ApiBearerAuth()
@Controller('v1/transfers')
export class TransfersController {
  constructor(
    private readonly transfers: TransferService,
    private readonly internalTransfers: InternalTransferService,
    private readonly queries: TransferQueryService,
    private readonly settled: SettledNotifications,
    private readonly admission: TransferAdmission,
  ) {}

  /** Answers once the transfer is final or `waitMs` passed (then PENDING or UNKNOWN); the transfer goes on either way. */
  @Post()
  @HttpCode(201)
  @Roles('trading')
  @ApiQuery({ name: 'waitMs', required: false })
  @ApiCreatedResponse({ type: TransferView })
  @ApiUnprocessableEntityResponse({
    description:
      'problem+json; among the codes: FUND_PASSWORD_INVALID (fundPassword does not match; counted towards the lockout once per requestId), ' +
      'FUND_PASSWORD_LOCKED (too many wrong in a row; set it again), FUND_PASSWORD_NOT_SET, INSUFFICIENT_WITHDRAWABLE, RELATIONSHIP_NOT_ACTIVE, RELATIONSHIP_FROZEN (the bank froze the relationship or it is reported lost: 11011), OUTSIDE_TRANSFER_WINDOW. Nothing was created.',
  })
  @ApiConflictResponse({
    description:
      'problem+json IDEMPOTENCY_KEY_REUSED: the requestId was used with another body (or another fundPassword); RELATIONSHIP_CHANGING: the ledger is closed while its cancellation is at the bank (F-3.8)',
  })
  @ApiServiceUnavailableResponse({
    description:
      'problem+json; nothing was created, retry later: FUND_PASSWORD_UNVERIFIABLE (a fundPassword was given and cannot be verified now), ' +
      'OVERLOADED (as many transfers in flight at the bank as it serves in time; the Retry-After header says when)',
  })
  async request(@Body() body: RequestTransferBody, @Query('waitMs') waitMs?: string): Promise<TransferView> {
    // F-4.7 calls no bank: nothing to shed it for.
    const admission = body.type === 'INTERNAL' ? undefined : await this.admission.admit(body.fundAccountNo, body.currency);
    let transferId: string;
    try {
      transferId = body.type === 'INTERNAL' ? await this.internalTransfers.request(body) : await this.transfers.request(body);
    } catch (error) {
      admission?.refused();
      throw error;
    }
    const transfer = await awaitState(
      () => this.queries.get(transferId),
      (t) => FINAL_STATUSES.includes(t.status),
      parseWaitMs(waitMs, 5_000),
      // Woken after the settling commit (through Redis from another replica); the 1 s bound is the fallback for a lost wake.
      (maxMs) => this.settled.changed(transferId, Math.min(maxMs, 1000)),
    );
    // A replayed request of a final transfer, or one that ended while the caller waited, holds nothing further.
    if (FINAL_STATUSES.includes(transfer.status)) admission?.settled();
    else admission?.releaseWhenSettled(transferId);
    return transferView(transfer);
  }

  @Get(':transferId')
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  @ApiOkResponse({ type: TransferView })
  async get(@Param('transferId', new ParseUUIDPipe()) transferId: string): Promise<TransferView> {
    return transferView(await this.queries.get(transferId));
  }

  @Get()
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  @ApiOkResponse({ type: TransferPageView })
  list(@Query() query: ListTransfersQuery): Promise<TransferPageView> {
    return this.queries.list({ ...query, limit: Math.min(Number(query.limit ?? 50), 500) || 50 });
  }
}
