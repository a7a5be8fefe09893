import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { relationshipAccountStatusSchema, type RelationshipAccountStatus } from '@custody/contracts';
import { CURRENCIES, type Currency } from '@custody/money';
import { FundAccountNoField } from '@custody/service-kit';

const RELATIONSHIP_ACCOUNT_STATUSES = relationshipAccountStatusSchema.options;

/** `POST /v1/custody/bank-balance-queries` (F-3.10). */
export class BankBalanceQueryBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  /** Travels sealed to the bank adapter, which turns it into a PIN block (`Type` 0); never stored. */
  @ApiProperty({ writeOnly: true }) @Matches(/^\d{4,12}$/, { message: 'bankPassword must be 4-12 digits' }) bankPassword!: string;
}

/** `POST /v1/custody/identity-checks` (F-3.11 S): the bank compares the broker's record of the customer with its own. */
export class IdentityCheckBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
}

/**
 * `POST /v1/custody/status-changes` (11011 S, operator): freeze (`FROZEN`), report lost (`LOST`) or set back to
 * `NORMAL` the fund account's custody at its bank, every currency (bank-protocol.md §4.1).
 */
export class StatusChangeBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: RELATIONSHIP_ACCOUNT_STATUSES }) @IsIn(RELATIONSHIP_ACCOUNT_STATUSES) accountStatus!: RelationshipAccountStatus;
}

/** `POST /v1/custody/cancellations` (F-3.8). */
export class CancellationBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
}

/**
 * `POST /v1/custody/bank-changes` (F-3.6 S): the relationship of the fund account in `currency` moves to `newBankCode`,
 * linked to the customer's account there, whose password the customer gives.
 */
export class BankChangeBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  @ApiProperty({ example: '1051000' }) @Matches(/^\d{7}$/, { message: 'newBankCode is the 7-digit bank code' }) newBankCode!: string;
  @ApiProperty() @Matches(/^\d{8,32}$/, { message: 'newBankAccountNo must be 8-32 digits' }) newBankAccountNo!: string;
  /** The new account's password: travels sealed to the new bank's adapter, which turns it into a PIN block; never stored. */
  @ApiProperty({ writeOnly: true }) @Matches(/^\d{4,12}$/, { message: 'bankPassword must be 4-12 digits' }) bankPassword!: string;
}
