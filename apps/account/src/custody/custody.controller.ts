import { Body, Controller, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { awaitState, type Caller, DomainError, parseWaitMs, principalOf, Roles, SettledNotifications, VerifiedCaller } from '@custody/service-kit';
import type { ErrorCode } from '@custody/contracts';
import { relationshipView } from '../fund-accounts/fund-account.service';
import { BankAccountChangeRequests } from './bank-account-change-request.service';
import { BankAccountChangeBody } from './bank-account-change.dto';
import { BankBalanceQueryService } from './bank-balance-query.service';
import { BrokerStatusChangeService } from './broker-status-change.service';
import { CancellationService } from './cancellation.service';
import { BankBalanceQueryBody, BankChangeBody, CancellationBody, IdentityCheckBody, StatusChangeBody } from './custody-function.dto';
import { CustodianBankChanges } from './custodian-bank-change.service';
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
    private readonly bankAccountChanges: BankAccountChangeRequests,
    private readonly identityChecks: IdentityCheckService,
    private readonly statusChanges: BrokerStatusChangeService,
    private readonly cancellations: CancellationService,
    private readonly bankChanges: CustodianBankChanges,
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

  /**
   * F-3.8 S: 201 with the relationship `CANCELLED` once the bank closed the custody account (11004) and the ledger is
   * cancelled; a problem when it was refused — by the ledger (nothing was sent to the bank) or by the bank (the ledger
   * is open again); 202 with `{ status: PENDING }` if `waitMs` passed first: the bank has not answered yet, the 11004
   * is sent again until it does, and meanwhile the fund account takes no transfer or hold (`RELATIONSHIP_CHANGING`).
   * The same `requestId` gets the first answer.
   */
  @Post('cancellations')
  @HttpCode(201)
  @Roles('trading', 'operator')
  @ApiQuery({ name: 'waitMs', required: false })
  @ApiUnprocessableEntityResponse({
    description:
      'problem+json CANCELLATION_REFUSED: the fund ledger has a balance, a hold or a transfer in flight (detail says which; domain.md F-3.8); ' +
      'RELATIONSHIP_FROZEN: frozen or reported lost (11011); RELATIONSHIP_NOT_ACTIVE: no relationship in that currency to cancel; ' +
      "BANK_REJECTED with the bank's bankReturnCode (5316 balance differs, 5317 frozen, 5318 in flight at the bank). Nothing changed.",
  })
  @ApiConflictResponse({ description: 'problem+json RELATIONSHIP_CHANGING: a cancellation of the relationship is under way; IDEMPOTENCY_KEY_REUSED' })
  async cancel(
    @Body() body: CancellationBody,
    @Query('waitMs') waitMs: string | undefined,
    @VerifiedCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.functionAnswer(await this.cancellations.cancel(body, principalOf(caller)), waitMs, res);
  }

  /**
   * F-3.4 S: the relationship's bank settlement account is replaced by `newBankAccountNo` once the bank changed it
   * (11006). 201 with the relationship as the change left it; a problem when it was refused before anything was sent
   * (`VALIDATION_FAILED` naming the account at fault, `RELATIONSHIP_NOT_ACTIVE`, `RELATIONSHIP_FROZEN`,
   * `RELATIONSHIP_CHANGING`) or by the bank (`BANK_REJECTED` with its `bankReturnCode`: 5016 the new account is not the
   * customer's, 1014 it does not exist, 1001 a wrong bank password); 202 with `{ status: PENDING }` if `waitMs` passed
   * first — the bank is asked until it answers, and the same `requestId` gets the answer.
   */
  @Post('bank-account-changes')
  @Roles('trading', 'operator')
  @ApiQuery({ name: 'waitMs', required: false })
  @ApiUnprocessableEntityResponse({ description: "problem+json RELATIONSHIP_NOT_ACTIVE, RELATIONSHIP_FROZEN; BANK_REJECTED with the bank's bankReturnCode" })
  async changeBankAccount(
    @Body() body: BankAccountChangeBody,
    @Query('waitMs') waitMs: string | undefined,
    @VerifiedCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    const request = await this.functions.settledWithin(await this.bankAccountChanges.request(body, principalOf(caller)), parseWaitMs(waitMs, 10_000));
    if (request.status === 'PENDING') {
      res.status(202);
      return { status: request.status };
    }
    res.status(201);
    return request.answer;
  }

  /**
   * F-3.6 S: 201 with the new relationship once the old bank closed the custody account with the whole balance (11004)
   * and the new bank opened one with it (11001); from then on the fund account's transfers go to the new bank. A
   * problem when it was refused before anything was sent — by account (`UNKNOWN_BANK`, `RELATIONSHIP_NOT_ACTIVE`,
   * `RELATIONSHIP_FROZEN`, `RELATIONSHIP_CHANGING`, `BANK_ALREADY_USED`) or by the ledger (`BANK_CHANGE_REFUSED`: a
   * hold or a transfer in flight, `detail` says which) —, by the old bank (`BANK_REJECTED` with its code; nothing
   * changed), or by the new bank (`BANK_REJECTED`: the old bank holds the money again in a pre-designated custody account
   * the customer confirms there, F-3.2; `GET /v1/fund-accounts/{no}` shows it). 202 with `{ status: PENDING }` if
   * `waitMs` passed first: each bank is asked until it answers, meanwhile the fund account takes no transfer or hold in
   * that currency (`RELATIONSHIP_CHANGING`), and the same `requestId` gets the answer.
   */
  @Post('bank-changes')
  @HttpCode(201)
  @Roles('trading', 'operator')
  @ApiQuery({ name: 'waitMs', required: false })
  @ApiUnprocessableEntityResponse({
    description:
      'problem+json BANK_CHANGE_REFUSED: a hold or a transfer in flight (domain.md F-3.6); RELATIONSHIP_FROZEN; RELATIONSHIP_NOT_ACTIVE; ' +
      "BANK_ALREADY_USED (domain.md §13); UNKNOWN_BANK; BANK_REJECTED with the bank's bankReturnCode",
  })
  @ApiConflictResponse({ description: 'problem+json RELATIONSHIP_CHANGING: another change of the relationship awaits its bank; IDEMPOTENCY_KEY_REUSED' })
  async changeCustodianBank(
    @Body() body: BankChangeBody,
    @Query('waitMs') waitMs: string | undefined,
    @VerifiedCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.functionAnswer(await this.bankChanges.request(body, principalOf(caller)), waitMs, res);
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
