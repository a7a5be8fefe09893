import { Body, Controller, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type Caller, principalOf, Roles, VerifiedCaller } from '@custody/service-kit';
import { PutCustomerBody } from './customer.dto';
import { CustomerService } from './customer.service';
import { PutFundPasswordBody } from './fund-password.dto';
import { FundPasswordService } from './fund-password.service';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomerService,
    private readonly fundPasswords: FundPasswordService,
  ) {}

  @Put(':customerNo')
  @Roles('trading', 'operator')
  async put(@Param('customerNo') customerNo: string, @Body() body: PutCustomerBody, @VerifiedCaller() caller: Caller, @Res({ passthrough: true }) res: Response) {
    const { created, customer } = await this.customers.put(customerNo, body, principalOf(caller));
    res.status(created ? 201 : 200);
    return customer;
  }

  /** 204: nothing to return (the password never leaves); a repeat simply re-hashes. */
  @Put(':customerNo/fund-password')
  @HttpCode(204)
  @Roles('trading')
  async putFundPassword(@Param('customerNo') customerNo: string, @Body() body: PutFundPasswordBody): Promise<void> {
    await this.fundPasswords.set(customerNo, body.password);
  }

  @Get(':customerNo')
  @Roles('trading', 'operator', 'supervisor', 'auditor')
  get(@Param('customerNo') customerNo: string) {
    return this.customers.get(customerNo);
  }
}
