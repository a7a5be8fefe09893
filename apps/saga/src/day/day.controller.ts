import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@custody/service-kit';
import { DayOperations } from './day-operations.service';
import { BankDayQuery, CloseDayBody, DayView, DeferBankDayBody } from './day.dto';

@ApiTags('day')
@ApiBearerAuth()
@Controller('v1/day')
export class DayController {
  constructor(private readonly operations: DayOperations) {}

  /** The business date and each bank's phase of it. */
  @Get()
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  @ApiOkResponse({ type: DayView })
  view(): Promise<DayView> {
    return this.operations.view();
  }

  /**
   * Closes the day at every bank still OPEN (or only `bankCode`): no new transfers, 13011 once the transfers in
   * flight settled, then the day's reconciliation; the date switches by itself once every bank is reconciled
   * or deferred.
   */
  @Post(':businessDate/close')
  @HttpCode(202)
  @Roles('operator')
  @ApiAcceptedResponse({ type: DayView })
  @ApiConflictResponse({ description: 'problem+json DAY_CLOSED: the date is not the current business date; IDEMPOTENCY_KEY_REUSED' })
  close(@Param('businessDate') businessDate: string, @Query() query: BankDayQuery, @Body() body: CloseDayBody): Promise<DayView> {
    return this.operations.close(businessDate, body.requestId, query.bankCode);
  }

  /** Defers one bank: the date may switch without it; its remaining steps of the date are done later. */
  @Post(':businessDate/defer')
  @HttpCode(200)
  @Roles('operator')
  @ApiOkResponse({ type: DayView })
  @ApiConflictResponse({ description: 'problem+json DAY_CLOSED: the date is not the current business date; IDEMPOTENCY_KEY_REUSED' })
  defer(@Param('businessDate') businessDate: string, @Query() query: BankDayQuery, @Body() body: DeferBankDayBody): Promise<DayView> {
    return this.operations.defer(businessDate, query.bankCode, body.requestId, body.reason);
  }
}
