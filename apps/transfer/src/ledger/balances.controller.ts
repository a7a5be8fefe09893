import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Money } from '@custody/money';
import { DomainError, Roles } from '@custody/service-kit';
import { LedgerAccount } from './ledger-account.entity';
import { balanceView } from './ledger-rules';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1/fund-accounts')
export class BalancesController {
  constructor(private readonly dataSource: DataSource) {}

  @Get(':fundAccountNo/balances')
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  async balances(@Param('fundAccountNo') fundAccountNo: string) {
    const accounts = await this.dataSource.getRepository(LedgerAccount).find({ where: { fundAccountNo }, order: { currency: 'ASC' } });
    if (accounts.length === 0) throw new DomainError('NOT_FOUND', `fund account ${fundAccountNo} has no ledger`);
    return accounts.map((a) => balanceView(a.currency, { balance: Money.fromDb(a.balance), held: Money.fromDb(a.held) }));
  }
}
