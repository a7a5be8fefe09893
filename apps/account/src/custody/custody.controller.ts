import { Body, Controller, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { awaitState, type Caller, DomainError, parseWaitMs, principalOf, Roles, SettledNotifications, VerifiedCaller } from '@custody/service-kit';
import type { ErrorCode } from '@custody/contracts';
import { relationshipView } from '../fund-accounts/fund-account.service';
import { BankBalanceQueryService } from './bank-balance-query.service';
import { BrokerStatusChangeService } from './broker-status-change.service';
import { BankBalanceQueryBody, IdentityCheckBody, StatusChangeBody } from './custody-function.dto';
import { CustodyFunctionRequests } from './custody-function-requests';
import { DesignateBody, PreDesignateBody } from './designation.dto';
import { DesignationService } from './designation.service';
import { IdentityCheckService } from './identity-check.service';

@ApiTags('custody relationships')
@ApiBearerAuth()
@Controller('v1/custody')
export class CustodyController {
  constructor(
    private readonly designations: DesignationService,
    private readonly settled: SettledNotifications,
    private readonly bankBalanceQueries: BankBalanceQueryService,
    private readonly functions: CustodyFunctionRequests,
    private readonly identityChecks: IdentityCheckService,
    private readonly statusChanges: BrokerStatusChangeService,
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

  /**
   * F-3.10 S: the balance and available balance of the bank settlement account linked to the fund account, as the
   * bank answered them (11009). 200 with `{ balance, available }`; a problem when the bank refused (`BANK_REJECTED`
   * with its `bankReturnCode`, e.g. 1001 a wrong bank password) or did not answer (`BANK_UNAVAILABLE`: nothing
   * changed, ask again); 202 with `{ status: PENDING }` if `waitMs` passed first (the same `requestId` gets the answer).
   */
  @Post('bank-balance-queries')
  @HttpCode(200)
  @Roles('trading', 'operator')
  @ApiQuery({ name: 'waitMs', required: false })
  @ApiUnprocessableEntityResponse({ description: 'problem+json RELATIONSHIP_NOT_ACTIVE: no designated bank account in that currency; BANK_REJECTED' })
  async queryBankBalance(
    @Body() body: BankBalanceQueryBody,
    @Query('waitMs') waitMs: string | undefined,
    @VerifiedCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.functionAnswer(await this.bankBalanceQueries.ask(body, principalOf(caller)), waitMs, res);
  }

  /**
   * F-3.11 S: whether the bank's record of the holder of the bank account linked to the fund account is the customer
   * the broker records (name, ID type and number; 11007). 200 `{ matched, bankReturnCode }`: `true` with 0000, or
   * `false` with the bank's code naming what differs (5010 the ID type, 5011 the ID number, 5016 not the account's
   * holder). A problem when the bank could not compare (`BANK_REJECTED`, e.g. 1016 the accounts are not linked at the
   * bank) or did not answer (`BANK_UNAVAILABLE`: ask again); 202 with `{ status: PENDING }` if `waitMs` passed first.
   */
  @Post('identity-checks')
  @HttpCode(200)
  @Roles('trading', 'operator')
  @ApiQuery({ name: 'waitMs', required: false })
  @ApiUnprocessableEntityResponse({ description: 'problem+json RELATIONSHIP_NOT_ACTIVE: no designated bank account in that currency; BANK_REJECTED' })
  async checkIdentity(
    @Body() body: IdentityCheckBody,
    @Query('waitMs') waitMs: string | undefined,
    @VerifiedCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.functionAnswer(await this.identityChecks.ask(body, principalOf(caller)), waitMs, res);
  }

  /**
   * 11011 S (operator: a freeze or loss report is a compliance act): the fund account's custody at its bank becomes
   * `FROZEN`, `LOST` or `NORMAL` again, every currency (bank-protocol.md §4.1). 200 `{ fundAccountNo, bankCode,
   * accountStatus, serialNo }` once the bank and then the ledger took it — from then on a frozen or lost relationship
   * refuses transfers (`RELATIONSHIP_FROZEN`); a problem when the bank refused (`BANK_REJECTED` with its code); 202
   * with `{ status: PENDING }` if `waitMs` passed first: the request is resent until the bank answers, and the same
   * `requestId` gets the answer.
   */
  @Post('status-changes')
  @HttpCode(200)
  @Roles('operator')
  @ApiQuery({ name: 'waitMs', required: false })
  @ApiConflictResponse({ description: 'problem+json ACCOUNT_STATUS_UNCHANGED: the relationship has that status already; RELATIONSHIP_CHANGING: another status change awaits the bank' })
  @ApiUnprocessableEntityResponse({ description: 'problem+json RELATIONSHIP_NOT_ACTIVE: no designated relationship; BANK_REJECTED' })
  async changeStatus(
    @Body() body: StatusChangeBody,
    @Query('waitMs') waitMs: string | undefined,
    @VerifiedCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.functionAnswer(await this.statusChanges.request(body, principalOf(caller)), waitMs, res);
  }

  /** A broker-started function's answer once the bank gave it, or 202 PENDING after `waitMs`. */
  private async functionAnswer(id: string, waitMs: string | undefined, res: Response) {
    const request = await this.functions.settledWithin(id, parseWaitMs(waitMs, 10_000));
    if (request.status === 'PENDING') {
      res.status(202);
      return { status: request.status };
    }
    return request.answer;
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
