import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { CURRENCIES, type Currency } from '@custody/money';
import { FundAccountNoField } from '@custody/service-kit';

/** `POST /v1/custody/bank-balance-queries` (F-3.10). */
export class BankBalanceQueryBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  /** Travels sealed to the bank adapter, which turns it into a PIN block (`Type` 0); never stored. */
  @ApiProperty({ writeOnly: true }) @Matches(/^\d{4,12}$/, { message: 'bankPassword must be 4-12 digits' }) bankPassword!: string;
}

/** `POST /v1/custody/cancellations` (F-3.8). */
export class CancellationBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
}
