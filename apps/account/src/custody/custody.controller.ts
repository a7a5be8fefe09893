import { Body, Controller, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { awaitState, type Caller, DomainError, parseWaitMs, principalOf, Roles, SettledNotifications, VerifiedCaller } from '@custody/service-kit';
import type { ErrorCode } from '@custody/contracts';
import { relationshipView } from '../fund-accounts/fund-account.service';
import { DesignateBody, PreDesignateBody } from './designation.dto';
import { DesignationService } from './designation.service';

@ApiTags('custody relationships')
@ApiBearerAuth()
@Controller('v1/custody')
export class CustodyController {
  constructor(
    private readonly designations: DesignationService,
    private readonly settled: SettledNotifications,
  ) {}

  /** F-3.3 S. 201 once the bank designated; a problem when it refused; 202 (status PENDING) if `waitMs` passed first. */
  @Post('designations')
  @Roles('trading', 'operator')
  @ApiQuery({ name: 'waitMs', required: false })
  @ApiUnprocessableEntityResponse({
    description:
      'problem+json BANK_ALREADY_USED: another fund account of the customer is at that bank (domain.md §13); CURRENCY_MISMATCH; UNKNOWN_BANK; ' +
      "BANK_REJECTED with the bank's bankReturnCode",
  })
  async designate(
    @Body() body: DesignateBody,
    @Query('waitMs') waitMs: string | undefined,
    @VerifiedCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.answer(await this.designations.designate(body, principalOf(caller)), waitMs, res);
  }

  /**
   * F-3.1. 201 with status PRE_DESIGNATED and the custody account the bank opened; a problem when it refused; 202
   * (status PENDING) if `waitMs` passed first. Transfers on it are refused (`RELATIONSHIP_NOT_ACTIVE`) until the
   * customer confirms at the bank (F-3.2).
   */
  @Post('pre-designations')
  @Roles('trading', 'operator')
  @ApiQuery({ name: 'waitMs', required: false })
  async preDesignate(
    @Body() body: PreDesignateBody,
    @Query('waitMs') waitMs: string | undefined,
    @VerifiedCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.answer(await this.designations.preDesignate(body, principalOf(caller)), waitMs, res);
  }

  private async answer(id: string, waitMs: string | undefined, res: Response) {
    const relationship = await awaitState(
      () => this.designations.find(id),
      (r) => r.status !== 'PENDING',
      parseWaitMs(waitMs, 10_000),
      (maxMs) => this.settled.changed(id, Math.min(maxMs, 1000)),
    );
    if (relationship.status === 'FAILED') {
      throw new DomainError((relationship.failureCode ?? 'BANK_REJECTED') as ErrorCode, relationship.failureMessage ?? 'the bank refused the designation', {
        bankCode: relationship.bankCode,
        ...(relationship.bankReturnCode ? { bankReturnCode: relationship.bankReturnCode } : {}),
      });
    }
    res.status(relationship.status === 'PENDING' ? 202 : 201);
    return relationshipView(relationship);
  }
}
