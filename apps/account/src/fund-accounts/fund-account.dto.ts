import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { CURRENCIES, type Currency } from '@custody/money';
import { FundAccountNoField } from '@custody/service-kit';

export class OpenFundAccountBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty() @IsString() @Length(1, 32) customerNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  @ApiProperty({ enum: ['PRIMARY', 'AUXILIARY'] }) @IsIn(['PRIMARY', 'AUXILIARY']) role!: 'PRIMARY' | 'AUXILIARY';
  /** 证券机构分支号: CHAR(4) in every day file (api.md: 4 characters), so no more than the files can carry. */
  @ApiProperty({ example: '0001' })
  @Matches(/^[\x21-\x7b\x7d\x7e]{1,4}$/, { message: 'branchId must be 1-4 characters, no spaces or | (证券机构分支号, api.md)' })
  branchId!: string;
}

export class MakePrimaryBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
}
