import { Controller, Get, Logger, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { Roles, SERVICE_ROLE } from '@custody/service-kit';
import { type AccountDayFile, AccountDayFileService } from './account-day-file.service';

/**
 * Internal: the reconciliation service reads the broker's S_CHK02 and S_CHK03 of a bank's day here (the close of a
 * bank's day, step 2) and keeps them. 200 `application/gzip`, streamed; `404 NOT_FOUND` for a bank not configured,
 * `409 SNAPSHOT_NOT_SETTLED` while a designation at the bank awaits its answer (ask again). Kept out of the OpenAPI
 * document, which the ingress merges into the public contract.
 */
@ApiExcludeController()
@Controller('internal/v1/banks/:bankCode/days/:businessDate/files')
export class AccountDayFilesController {
  private readonly logger = new Logger(AccountDayFilesController.name);

  constructor(private readonly files: AccountDayFileService) {}

  @Get('CHK02')
  @Roles(SERVICE_ROLE)
  async chk02(@Param('bankCode') bankCode: string, @Param('businessDate') businessDate: string, @Res() res: Response): Promise<void> {
    await this.send(res, await this.files.write('CHK02', bankCode, businessDate));
  }

  @Get('CHK03')
  @Roles(SERVICE_ROLE)
  async chk03(@Param('bankCode') bankCode: string, @Param('businessDate') businessDate: string, @Res() res: Response): Promise<void> {
    await this.send(res, await this.files.write('CHK03', bankCode, businessDate));
  }

  private async send(res: Response, { fileName, file }: AccountDayFile): Promise<void> {
    res.status(200).type('application/gzip').setHeader('content-disposition', `attachment; filename="${fileName}"`);
    try {
      await pipeline(file, res);
    } catch (error) {
      // The status is sent already: the response is cut off (pipeline destroyed it), never ended as if whole, so
      // the reader sees a failed transfer and asks again.
      this.logger.error({ fileName, error: (error as Error).message }, 'a day file could not be sent whole');
    }
  }
}
