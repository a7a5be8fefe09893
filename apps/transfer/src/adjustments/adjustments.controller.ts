import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type Caller, Roles, VerifiedCaller } from '@custody/service-kit';
import { AdjustmentDecisionBody, AdjustmentView, adjustmentView } from './adjustment.dto';
import { AdjustmentService } from './adjustment.service';

@ApiTags('reconciliation')
@ApiBearerAuth()
@Controller('v1/adjustments')
export class AdjustmentsController {
  constructor(private readonly adjustments: AdjustmentService) {}

  @Get(':adjustmentId')
  @Roles('operator', 'supervisor', 'auditor')
  @ApiOkResponse({ type: AdjustmentView })
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND' })
  async get(@Param('adjustmentId', new ParseUUIDPipe()) adjustmentId: string): Promise<AdjustmentView> {
    return adjustmentView(await this.adjustments.get(adjustmentId));
  }

  @Post(':adjustmentId/approve')
  @HttpCode(200)
  @Roles('operator', 'supervisor')
  @ApiOperation({
    summary: 'Approve an adjustment; the approval that completes it applies it',
    description:
      'CREDIT, DEBIT and RESOLVE_UNKNOWN over fourEyesThreshold need two approvals by two principals, the second a supervisor; otherwise one approval applies it. ' +
      'A MANUAL one is settled by a supervisor with a comment and moves nothing. Applying is one transaction: a CREDIT/DEBIT is one journal posting ' +
      '(source ADJUSTMENT, on the broker’s current business date), a RESOLVE_UNKNOWN completes or releases its transfer; the break becomes RESOLVED.',
  })
  @ApiOkResponse({ type: AdjustmentView })
  @ApiBadRequestResponse({ description: 'problem+json VALIDATION_FAILED: e.g. a MANUAL adjustment approved without a comment' })
  @ApiForbiddenResponse({ description: 'problem+json FORBIDDEN: an operator settling a MANUAL adjustment, or giving the second approval over the threshold' })
  @ApiConflictResponse({
    description:
      'problem+json SAME_APPROVER (the principal who approved first), ADJUSTMENT_DECIDED (APPLIED or REJECTED already; or its transfer was resolved already), IDEMPOTENCY_KEY_REUSED',
  })
  @ApiUnprocessableEntityResponse({ description: 'problem+json INSUFFICIENT_AVAILABLE: a DEBIT that would overdraw the fund ledger (balance less holds); nothing was changed' })
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND: no such adjustment, or its fund account has no ledger here' })
  async approve(@Param('adjustmentId', new ParseUUIDPipe()) adjustmentId: string, @Body() body: AdjustmentDecisionBody, @VerifiedCaller() caller: Caller): Promise<AdjustmentView> {
    return adjustmentView(await this.adjustments.approve(adjustmentId, caller, body));
  }

  @Post(':adjustmentId/reject')
  @HttpCode(200)
  @Roles('operator', 'supervisor')
  @ApiOperation({ summary: 'Reject an adjustment: it becomes REJECTED and a MANUAL one takes its place for the same break (the break stays open)' })
  @ApiOkResponse({ type: AdjustmentView, description: 'the rejected adjustment; `replacedBy` names the MANUAL one' })
  @ApiConflictResponse({ description: 'problem+json NOT_REJECTABLE (a MANUAL adjustment), ADJUSTMENT_DECIDED (APPLIED or REJECTED already), IDEMPOTENCY_KEY_REUSED' })
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND' })
  async reject(@Param('adjustmentId', new ParseUUIDPipe()) adjustmentId: string, @Body() body: AdjustmentDecisionBody, @VerifiedCaller() caller: Caller): Promise<AdjustmentView> {
    return adjustmentView(await this.adjustments.reject(adjustmentId, caller, body));
  }
}
