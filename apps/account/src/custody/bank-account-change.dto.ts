import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CURRENCIES, type Currency } from '@custody/money';
import { FundAccountNoField } from '@custody/service-kit';

/** `POST /v1/custody/bank-account-changes` (F-3.4 S): the customer brings the old and the new bank account. */
export class BankAccountChangeBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  @ApiProperty() @Matches(/^\d{8,32}$/, { message: 'oldBankAccountNo must be 8-32 digits' }) oldBankAccountNo!: string;
  @ApiProperty() @Matches(/^\d{8,32}$/, { message: 'newBankAccountNo must be 8-32 digits' }) newBankAccountNo!: string;
  /**
   * The old account's bank password, where the bank asks for it (profile §4.1: an optional `Type` 1 in `BkAcct`,
   * checked against the old account). Travels sealed to the bank adapter, which turns it into a PIN block; never stored.
   */
  @ApiPropertyOptional({ writeOnly: true })
  @IsOptional()
  @Matches(/^\d{4,12}$/, { message: 'bankPassword must be 4-12 digits' })
  bankPassword?: string;
}
