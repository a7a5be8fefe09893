import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@custody/service-kit';
import { StatementQueryParams, StatementView } from './statement.dto';
import { MAX_STATEMENT_DAYS } from './statement-request';
import { StatementService } from './statement.service';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/fund-accounts')
export class StatementsController {
  constructor(private readonly statements: StatementService) {}

  /** F-5.2: opening balance, every movement of [from, to] with its source, closing balance; paged by `cursor`. */
  @Get(':fundAccountNo/statement')
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  @ApiOkResponse({ type: StatementView })
  @ApiBadRequestResponse({
    description: `problem+json VALIDATION_FAILED: currency missing or not CNY/USD/HKD, from/to missing or not an existing YYYY-MM-DD, from after to, more than ${MAX_STATEMENT_DAYS} days, a bad limit, or a cursor not issued for this statement`,
  })
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND: no such fund account, or it holds no ledger in that currency' })
  statement(@Param('fundAccountNo') fundAccountNo: string, @Query() query: StatementQueryParams): Promise<StatementView> {
    return this.statements.statement(fundAccountNo, query);
  }
}
