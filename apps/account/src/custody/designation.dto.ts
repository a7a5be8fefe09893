import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { CURRENCIES, type Currency } from '@custody/money';
import { FundAccountNoField } from '@custody/service-kit';

/** `POST /v1/custody/designations` (F-3.3 S). */
export class DesignateBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  @ApiProperty({ example: '1021000' }) @Matches(/^\d{7}$/, { message: 'bankCode is the 7-digit bank code' }) bankCode!: string;
  @ApiProperty() @Matches(/^\d{8,32}$/, { message: 'bankAccountNo must be 8-32 digits' }) bankAccountNo!: string;
  /** Travels sealed to the bank adapter, which turns it into a PIN block; never stored. */
  @ApiProperty({ writeOnly: true }) @Matches(/^\d{4,12}$/, { message: 'bankPassword must be 4-12 digits' }) bankPassword!: string;
}

/** `POST /v1/custody/pre-designations` (F-3.1): no bank account — the customer names it at the bank (F-3.2). */
export class PreDesignateBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  @ApiProperty({ example: '1021000' }) @Matches(/^\d{7}$/, { message: 'bankCode is the 7-digit bank code' }) bankCode!: string;
}
