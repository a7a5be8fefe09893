import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { FUND_PASSWORD_PATTERN } from './fund-password';

/** `PUT /v1/customers/{customerNo}/fund-password` (spec/api.md). */
export class PutFundPasswordBody {
  @ApiProperty({ writeOnly: true, example: '135790' }) @Matches(FUND_PASSWORD_PATTERN, { message: 'password must be exactly 6 digits' }) password!: string;
}

/**
 * `POST /internal/v1/fund-password-verifications`, for the bank adapter (role `service`; not routed by the
 * public ingress). Any digits a PIN block can carry (4-12) are accepted: a PIN of the wrong length is a wrong
 * password and counts towards the lockout like any other.
 */
export class VerifyFundPasswordBody {
  /** The request the password came with, as `{bankCode}:{bank serial}`: a repeat of it is judged once (I6). */
  @ApiProperty({ example: '1021000:B202611210001' }) @Matches(/^[0-9A-Za-z:._-]{1,64}$/, { message: 'attemptId must be 1-64 letters, digits or :._-' }) attemptId!: string;
  @ApiProperty() @IsString() @Length(1, 32) fundAccountNo!: string;
  @ApiProperty({ writeOnly: true }) @Matches(/^\d{4,12}$/, { message: 'password must be the 4-12 digits of a PIN' }) password!: string;
}

export class FundPasswordVerificationView {
  @ApiProperty({ enum: ['MATCHED', 'MISMATCHED', 'LOCKED', 'NOT_SET', 'UNKNOWN_FUND_ACCOUNT'] }) result!: string;
}
