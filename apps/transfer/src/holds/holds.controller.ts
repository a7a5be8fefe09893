import { Body, Controller, Delete, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { CURRENCIES, type Currency, type Money } from '@custody/money';
import { MoneyField, Roles } from '@custody/service-kit';
import { HoldsService } from './holds.service';

export class PlaceHoldBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  @MoneyField({ example: '100.00' }) amount!: Money;
  @ApiProperty() @IsString() @Length(1, 200) reason!: string;
}

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1')
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post('fund-accounts/:fundAccountNo/holds')
  @HttpCode(201)
  @Roles('trading')
  async place(@Param('fundAccountNo') fundAccountNo: string, @Body() body: PlaceHoldBody) {
    return { holdId: await this.holds.place({ ...body, fundAccountNo }) };
  }

  @Delete('holds/:holdId')
  @HttpCode(204)
  @Roles('trading')
  async release(@Param('holdId', new ParseUUIDPipe()) holdId: string) {
    await this.holds.release(holdId);
  }
}
