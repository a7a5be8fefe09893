import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Roles } from '@custody/service-kit';
import { FundPasswordVerificationView, VerifyFundPasswordBody } from './fund-password.dto';
import { FundPasswordService } from './fund-password.service';

/**
 * Internal: the bank adapters verify a bank-initiated withdrawal's fund password (F-4.2 B) here, and the transfer
 * service a `fundPassword` given with a transfer. Kept out of the OpenAPI document, which the ingress merges
 * into the public contract.
 */
@ApiExcludeController()
@Controller('internal/v1/fund-password-verifications')
export class FundPasswordVerificationsController {
  constructor(private readonly passwords: FundPasswordService) {}

  @Post()
  @HttpCode(200)
  @Roles('service')
  async verify(@Body() { attemptId, fundAccountNo, pinBlock, pinKeyId, attemptDigest }: VerifyFundPasswordBody): Promise<FundPasswordVerificationView> {
    return { result: await this.passwords.verify({ attemptId, fundAccountNo, pinBlock: { keyId: pinKeyId, block: pinBlock }, attemptDigest }) };
  }
}
