import { Controller, Get, Logger, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { dayFileName, type DayFileType, writeDayFile, type DayFileRecord } from '@custody/bank-protocol';
import { Roles, SERVICE_ROLE } from '@custody/service-kit';
import { DayFilesService, type UnknownTransfer } from './day-files.service';

/**
 * Internal (SERVICE_ROLE): the reconciliation service reads the transfer service's files of a bank's day here
 * (bank-protocol.md §5; docs/design.md "The close of a bank's day"). A file is a gzip stream written by the day-file
 * codec as the rows come off a database cursor; 409 SNAPSHOT_NOT_SETTLED until the books of (bank, D) agree with
 * the day's snapshot. Kept out of the OpenAPI document, which the ingress merges into the public contract.
 */
@ApiExcludeController()
@Controller('internal/v1/banks/:bankCode/days/:businessDate')
export class DayFilesController {
  private readonly logger = new Logger(DayFilesController.name);

  constructor(private readonly files: DayFilesService) {}

  @Get('files/CHK01')
  @Roles(SERVICE_ROLE)
  async chk01(@Param('bankCode') bankCode: string, @Param('businessDate') businessDate: string, @Res() response: Response): Promise<void> {
    await this.send(response, 'CHK01', businessDate, await this.files.chk01(bankCode, businessDate));
  }

  @Get('files/CHK04')
  @Roles(SERVICE_ROLE)
  async chk04(@Param('bankCode') bankCode: string, @Param('businessDate') businessDate: string, @Res() response: Response): Promise<void> {
    await this.send(response, 'CHK04', businessDate, await this.files.chk04(bankCode, businessDate));
  }

  @Get('unknown-transfers')
  @Roles(SERVICE_ROLE)
  async unknownTransfers(@Param('bankCode') bankCode: string, @Param('businessDate') businessDate: string): Promise<{ transfers: UnknownTransfer[] }> {
    return { transfers: await this.files.unknownTransfers(bankCode, businessDate) };
  }

  /**
   * Streams the `.gz` as the codec writes it, with backpressure from the connection down to the cursor. Once the
   * first byte is out the status is sent: a failure after it (a record the layout refuses, the database gone) cuts
   * the response short, which the reader sees as an incomplete body (and a gzip without its end) and asks again.
   */
  private async send<T extends DayFileType>(response: Response, type: T, businessDate: string, records: AsyncIterable<DayFileRecord<T>>): Promise<void> {
    const fileName = dayFileName('S', type, businessDate);
    response.status(200).type('application/gzip').setHeader('content-disposition', `attachment; filename="${fileName}"`);
    try {
      await pipeline(writeDayFile(type, records, { fileName }), response);
    } catch (error) {
      this.logger.error({ err: error, fileName }, 'day file not sent whole');
      response.destroy();
    }
  }
}
