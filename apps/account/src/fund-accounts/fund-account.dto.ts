import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { CURRENCIES, type Currency } from '@custody/money';
import { FundAccountNoField } from '@custody/service-kit';

export class OpenFundAccountBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty() @IsString() @Length(1, 32) customerNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  @ApiProperty({ enum: ['PRIMARY', 'AUXILIARY'] }) @IsIn(['PRIMARY', 'AUXILIARY']) role!: 'PRIMARY' | 'AUXILIARY';
  @ApiProperty() @IsString() @Length(1, 32) branchId!: string;
}
