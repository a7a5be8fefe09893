import { Body, Controller, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { awaitState, DomainError, parseWaitMs, Roles, SettledNotifications } from '@custody/service-kit';
import { MakePrimaryBody } from './fund-account.dto';
import { PrimaryChangeService, primaryChangeView } from './primary-change.service';

@ApiTags('fund accounts')
@ApiBearerAuth()
@Controller('v1/fund-accounts')
export class PrimaryChangesController {
  constructor(
    private readonly primaryChanges: PrimaryChangeService,
    private readonly settled: SettledNotifications,
  ) {}

  @Post(':fundAccountNo/make-primary')
  @HttpCode(200)
  @Roles('trading', 'operator')
  @ApiQuery({ name: 'waitMs', required: false })
  @ApiOperation({
    summary: "Make this fund account the customer's primary (domain.md §13); the old primary becomes auxiliary, both at once",
    description:
      'Idempotent by `requestId`: a repeat answers what the first request got (its success, or its PRIMARY_CHANGE_REFUSED). ' +
      'An account that is already primary answers 200 with `previousPrimaryFundAccountNo` = itself, nothing changed.',
  })
  @ApiOkResponse({ description: '`{ changeId, fundAccountNo, customerNo, previousPrimaryFundAccountNo, status: "APPLIED" }`' })
  @ApiAcceptedResponse({ description: 'the same with `status: "PENDING"`: `waitMs` passed before the change was decided; GET the fund account for its role' })
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND: no such fund account' })
  @ApiConflictResponse({
    description:
      'problem+json PRIMARY_CHANGE_REFUSED: the old primary has unsettled trading (an active trading hold), or another change of the ' +
      "customer's primary is under way (`detail` says which); IDEMPOTENCY_KEY_REUSED",
  })
  async makePrimary(
    @Param('fundAccountNo') fundAccountNo: string,
    @Body() body: MakePrimaryBody,
    @Query('waitMs') waitMs: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const id = await this.primaryChanges.request(fundAccountNo, body);
    const change = await awaitState(
      () => this.primaryChanges.find(id),
      (c) => c.status !== 'PENDING',
      parseWaitMs(waitMs, 10_000),
      (maxMs) => this.settled.changed(id, Math.min(maxMs, 1000)),
    );
    if (change.status === 'REFUSED') throw new DomainError('PRIMARY_CHANGE_REFUSED', change.refusal ?? 'the change of primary was refused');
    if (change.status === 'PENDING') res.status(202);
    return primaryChangeView({ ...change, status: change.status });
  }
}
