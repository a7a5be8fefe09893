import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBase64, IsOptional, IsString, Length, Matches } from 'class-validator';
import { FUND_PASSWORD_VERDICTS, type FundPasswordVerdict } from '@custody/contracts';
import { FUND_PASSWORD_PATTERN } from './fund-password';

/** `PUT /v1/customers/{customerNo}/fund-password` (spec/api.md). */
export class PutFundPasswordBody {
  @ApiProperty({ writeOnly: true, example: '135790' }) @Matches(FUND_PASSWORD_PATTERN, { message: 'password must be exactly 6 digits' }) password!: string;
}

/**
 * `POST /internal/v1/fund-password-verifications` (libs/contracts `fundPasswordVerificationRequestSchema`), for
 * the bank adapters and the transfer service (role `service`; not routed by the public ingress). The password
 * comes only as a PIN block under this service's public key; a clear `password` field is refused like any
 * unknown property (VALIDATION_FAILED), so a caller that still sends one learns it at once and nothing is judged.
 */
export class VerifyFundPasswordBody {
  /** The request the password came with (`{bankCode}:{bank serial}`, `transfer:…`): a repeat of it is judged once (I6). */
  @ApiProperty({ example: '1021000:B202611210001' }) @Matches(/^[0-9A-Za-z:._-]{1,64}$/, { message: 'attemptId must be 1-64 letters, digits or :._-' }) attemptId!: string;
  @ApiProperty() @IsString() @Length(1, 32) fundAccountNo!: string;
  @ApiProperty({ writeOnly: true, description: 'base64 RSA-OAEP-256 ciphertext of the ISO 9564 format-0 block, labelled with the attempt and fund account' })
  @IsBase64() @Length(1, 1024) pinBlock!: string;
  @ApiProperty({ description: 'which key pair of this service pinBlock is under' }) @Matches(/^[0-9a-f]{16}$/, { message: 'pinKeyId must be 16 lowercase hex characters' }) pinKeyId!: string;
  @ApiPropertyOptional({ description: 'a keyed digest of the caller\'s request: a repeat of the attempt with another digest is IDEMPOTENCY_KEY_REUSED' })
  @IsOptional() @Matches(/^[0-9a-f]{64}$/, { message: 'attemptDigest must be 64 lowercase hex characters' }) attemptDigest?: string;
}

export class FundPasswordVerificationView {
  @ApiProperty({ enum: FUND_PASSWORD_VERDICTS }) result!: FundPasswordVerdict;
}
