import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  open(@Body() body: OpenFundAccountBody) {
    return this.fundAccounts.open(body);
  }

  @Get(':fundAccountNo')
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  get(@Param('fundAccountNo') fundAccountNo: string) {
    return this.fundAccounts.get(fundAccountNo);
  }
}
