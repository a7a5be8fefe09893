import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles } from '@custody/service-kit';
import { ListTransfersQuery, RequestTransferBody, TransferPageView, TransferView } from './transfer.dto';
import { TransferRequests } from './transfer-requests';

@ApiTags('transfers')
@ApiBearerAuth()
@Controller('v1/transfers')
export class TransfersController {
  constructor(private readonly requests: TransferRequests) {}

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
  request(@Body() body: RequestTransferBody, @Query('waitMs') waitMs?: string): Promise<TransferView> {
    return this.requests.request(body, waitMs);
  }

  @Get(':transferId')
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  @ApiOkResponse({ type: TransferView })
  get(@Param('transferId', new ParseUUIDPipe()) transferId: string): Promise<TransferView> {
    return this.requests.get(transferId);
  }

  @Get()
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  @ApiOkResponse({ type: TransferPageView })
  list(@Query() query: ListTransfersQuery): Promise<TransferPageView> {
    return this.requests.list(query);
  }
}
