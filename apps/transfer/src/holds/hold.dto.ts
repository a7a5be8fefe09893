import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { CURRENCIES, type Currency, type Money } from '@custody/money';
import { MoneyField } from '@custody/service-kit';

/** `POST /v1/fund-accounts/{fundAccountNo}/holds` and gRPC's Ledger.PlaceHold (spec/api.md). */
export class PlaceHoldBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  @MoneyField({ example: '100.00' }) amount!: Money;
  @ApiProperty() @IsString() @Length(1, 200) reason!: string;
}
