import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@custody/service-kit';
import { LedgerBalances } from './ledger-balances';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/fund-accounts')
export class BalancesController {
  constructor(private readonly ledger: LedgerBalances) {}

  @Get(':fundAccountNo/balances')
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  balances(@Param('fundAccountNo') fundAccountNo: string) {
    return this.ledger.of(fundAccountNo);
  }
}
