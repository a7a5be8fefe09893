import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '@custody/service-kit';
import { BankStatusService } from './bank-status';

@ApiTags('banks')
@ApiBearerAuth()
@Controller('v1/banks')
export class BanksController {
  constructor(private readonly status: BankStatusService) {}

  /** Each custodian bank, its sessions and circuit breaker as its adapters last reported them. */
  @Get()
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  banks() {
    return this.status.banks();
  }
}
