import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { TRANSFER_OUTCOME_FAILURE_CODES } from '@custody/contracts';
import { CURRENCIES, type Currency, type Money } from '@custody/money';
import { FundAccountNoField, MoneyField } from '@custody/service-kit';
import { TRANSFER_STATUSES, type TransferStatus } from './transfer.entity';

export const TRANSFER_TYPES = ['BANK_TO_SECURITIES', 'SECURITIES_TO_BANK', 'INTERNAL'] as const;

/** `POST /v1/transfers` (spec/api.md). The amount is a `Money` from here on; a malformed one is refused with its defect named. */
export class RequestTransferBody {
  @ApiProperty() @IsString() @Length(1, 64) requestId!: string;
  @ApiProperty({ enum: TRANSFER_TYPES }) @IsIn(TRANSFER_TYPES) type!: (typeof TRANSFER_TYPES)[number];
  @FundAccountNoField() fundAccountNo!: string;
  @ApiProperty({ enum: CURRENCIES }) @IsIn(CURRENCIES) currency!: Currency;
  @MoneyField() amount!: Money;
  @ApiPropertyOptional({ writeOnly: true }) @IsOptional() @Matches(/^\d{4,12}$/, { message: 'bankPassword must be 4-12 digits' }) bankPassword?: string;
  @ApiPropertyOptional({
    writeOnly: true,
    description:
      'the customer\'s fund password: when given, it is verified before anything is created (wrong: FUND_PASSWORD_INVALID, counted towards the lockout once per requestId; ' +
      'FUND_PASSWORD_LOCKED; FUND_PASSWORD_NOT_SET; not verifiable now: FUND_PASSWORD_UNVERIFIABLE). A repeat of the requestId with another fundPassword is IDEMPOTENCY_KEY_REUSED.',
  })
  @IsOptional() @Matches(/^\d{4,12}$/, { message: 'fundPassword must be 4-12 digits' }) fundPassword?: string;
  @FundAccountNoField({ optional: true, description: 'INTERNAL (F-4.7): the fund account the money goes to' }) counterpartFundAccountNo?: string;
}

/** `GET /v1/transfers` (spec/api.md); strings, as a query string holds them. */
export class ListTransfersQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() fundAccountNo?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) businessDate?: string;
  @ApiPropertyOptional({ enum: TRANSFER_STATUSES }) @IsOptional() @IsIn(TRANSFER_STATUSES) status?: TransferStatus;
  @ApiPropertyOptional({ description: 'the `nextCursor` of the previous page (opaque); pages are newest first' }) @IsOptional() @IsString() cursor?: string;
  @ApiPropertyOptional({ description: 'page size, 1-500 (default 50)' }) @IsOptional() @Matches(/^\d{1,3}$/) limit?: string;
}

/**
 * Why a transfer failed, for callers and operators (`failure.code`). The saga's two, and the bank-initiated
 * ones: a request the broker refused with a return code (`BANK_REQUEST_REFUSED`), one that arrived after the
 * bank's reply deadline (`BANK_REQUEST_STALE`), one the bank reversed (`BANK_REVERSED`). A deposit the bank
 * tried to reverse after its funds were used stays SUCCEEDED with `REVERSAL_REFUSED_FUNDS_USED` (2008), for
 * an operator. A transfer still UNKNOWN at its day's end that the bank's day file does not list is
 * `RESOLVED_BY_RECONCILIATION` (its RESOLVE_UNKNOWN adjustment approved).
 */
export const TRANSFER_FAILURE_CODES = [
  ...TRANSFER_OUTCOME_FAILURE_CODES,
  'BANK_REQUEST_REFUSED',
  'BANK_REQUEST_STALE',
  'BANK_REVERSED',
  'REVERSAL_REFUSED_FUNDS_USED',
  'RESOLVED_BY_RECONCILIATION',
] as const;
export type TransferFailureCode = (typeof TRANSFER_FAILURE_CODES)[number];

export class TransferFailureView {
  @ApiProperty({ enum: TRANSFER_FAILURE_CODES }) code!: TransferFailureCode;
  @ApiPropertyOptional({ example: '1001', description: 'the bank protocol return code (bank-protocol.md §7.23), when a bank gave one' }) bankReturnCode?: string;
  @ApiProperty() message!: string;
}

/** A transfer as `POST /v1/transfers` and `GET /v1/transfers/{transferId}` answer it (spec/api.md). */
export class TransferView {
  @ApiProperty({ format: 'uuid' }) transferId!: string;
  @ApiProperty({ description: 'the serial on the bank protocol: ours (initiator S) or the bank’s (initiator B)' }) serialNo!: string;
  @ApiProperty({ enum: TRANSFER_TYPES }) type!: string;
  @ApiProperty({ enum: TRANSFER_STATUSES }) status!: string;
  @ApiProperty({ example: '1000.00' }) amount!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: string;
  @ApiProperty() fundAccountNo!: string;
  @ApiPropertyOptional({ description: 'INTERNAL (F-4.7): the fund account the money went to' }) counterpartFundAccountNo?: string;
  @ApiProperty() bankCode!: string;
  @ApiProperty({ format: 'date' }) businessDate!: string;
  @ApiProperty({ enum: ['B', 'S'] }) initiator!: 'B' | 'S';
  @ApiPropertyOptional({ type: TransferFailureView }) failure?: TransferFailureView;
  @ApiPropertyOptional({ format: 'date-time', description: 'while UNKNOWN: since when' }) unknownSince?: string;
  @ApiProperty({ type: [String], description: 'what was tried to end an UNKNOWN (query, resend, reversal), in order' }) attempts!: string[];
  @ApiPropertyOptional({ format: 'uuid', description: 'the adjustment (RESOLVE_UNKNOWN) that ended it, when it was still UNKNOWN at its day’s end' }) resolvedByAdjustmentId?: string;
}

export class TransferPageView {
  @ApiProperty({ type: [TransferView] }) items!: TransferView[];
  @ApiPropertyOptional({ description: 'pass as `cursor` for the next page' }) nextCursor?: string;
}
