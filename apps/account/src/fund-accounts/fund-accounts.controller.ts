import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Roles } from '@custody/service-kit';
import { OpenFundAccountBody } from './fund-account.dto';
import { FundAccountService } from './fund-account.service';

@ApiTags('fund accounts')
@ApiBearerAuth()
@Controller('v1/fund-accounts')
export class FundAccountsController {
  constructor(private readonly fundAccounts: FundAccountService) {}

  @Post()
  @HttpCode(201)
  @Roles('trading', 'operator')
  @ApiCreatedResponse({ description: 'the fund account, as GET shows it; the same number with another currency opens that currency (same customer, role and branch)' })
  @ApiBadRequestResponse({
    description:
      'problem+json VALIDATION_FAILED: a malformed body, an AUXILIARY account for a customer without a primary, or another currency of a fund ' +
      'account with another role or branch than it has',
  })
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND: no such customer' })
  @ApiConflictResponse({
    description:
      'problem+json PRIMARY_EXISTS: a PRIMARY account for a customer who has one (domain.md §13: exactly one; make-primary moves it); ' +
      'PRIMARY_CHANGE_UNDER_WAY: another currency of a fund account while a change of the customer\'s primary is deciding its role; ' +
      'ALREADY_EXISTS: the fund account is opened in that currency already, or its number is another customer\'s; IDEMPOTENCY_KEY_REUSED',
  })
  @ApiUnprocessableEntityResponse({ description: 'problem+json FUND_ACCOUNT_LIMIT_REACHED: the customer holds 5 fund accounts in that currency already (domain.md §13)' })
  open(@Body() body: OpenFundAccountBody) {
    return this.fundAccounts.open(body);
  }

  @Get(':fundAccountNo')
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  @ApiOkResponse({
    description:
      '`{ fundAccountNo, customerNo, currency (the first opened), currencies (every one opened), role: "PRIMARY"|"AUXILIARY", branchId, ' +
      'relationships, failedRequests }`. Each relationship ' +
      '`{ fundAccountNo, currency, bankCode, bankAccountNo?, custodyAccountNo?, status, accountStatus: "NORMAL"|"FROZEN"|"LOST", history }`; ' +
      '`history` lists the account functions that changed it, oldest first: `{ at, status, accountStatus?, function, initiator: "S"|"B", serialNo ' +
      "(the initiator's), counterpartSerialNo?, by?, businessDate }` — `by` is the principal (subject@issuer of the bearer token) who asked for " +
      "a broker-started function, `bank:{bankCode}` for one the bank started. `failedRequests` are the broker's requests the bank refused or never " +
      'received, which changed nothing: the same fields without the states, plus `bankCode`, `currency` and `failure: { code, bankReturnCode?, message? }`.',
  })
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND' })
  get(@Param('fundAccountNo') fundAccountNo: string) {
    return this.fundAccounts.get(fundAccountNo);
  }
}
