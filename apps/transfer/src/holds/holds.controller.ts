import { Body, Controller, Delete, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Roles } from '@custody/service-kit';
import { PlaceHoldBody } from './hold.dto';
import { HoldsService } from './holds.service';

@ApiTags('ledger')
@ApiBearerAuth()
@Controller('v1')
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post('fund-accounts/:fundAccountNo/holds')
  @HttpCode(201)
  @Roles('trading')
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND: the fund account has no ledger in that currency' })
  @ApiUnprocessableEntityResponse({
    description:
      'problem+json AUXILIARY_HOLD_FORBIDDEN: the fund account is auxiliary, and only the primary trades (domain.md §13); ' +
      'INSUFFICIENT_WITHDRAWABLE: more than is available. Nothing is held.',
  })
  @ApiConflictResponse({ description: 'problem+json IDEMPOTENCY_KEY_REUSED; RELATIONSHIP_CHANGING: the ledger is closed while its cancellation is at the bank (F-3.8)' })
  async place(@Param('fundAccountNo') fundAccountNo: string, @Body() body: PlaceHoldBody) {
    return { holdId: await this.holds.place({ ...body, fundAccountNo }) };
  }

  @Delete('holds/:holdId')
  @HttpCode(204)
  @Roles('trading')
  async release(@Param('holdId', new ParseUUIDPipe()) holdId: string) {
    await this.holds.release(holdId);
  }
}
