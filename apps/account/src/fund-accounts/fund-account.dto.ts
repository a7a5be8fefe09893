import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { CURRENCIES, type Currency } from '@custody/money';

export class OpenFundAccountBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @ApiProperty() @Matches(/^[0-9A-Za-z]{4,32}$/, { message: 'fundAccountNo must be 4-32 letters or digits' }) fundAccountNo!: string;
  @ApiProperty() @IsString() @Length(1, 32) customerNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  @ApiProperty({ enum: ['PRIMARY', 'AUXILIARY'] }) @IsIn(['PRIMARY', 'AUXILIARY']) role!: 'PRIMARY' | 'AUXILIARY';
  @ApiProperty() @IsString() @Length(1, 32) branchId!: string;
}
