import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CUSTODY_CONFIG, type CustodyConfig, DomainError, Roles } from '@custody/service-kit';
import { namedDayFile } from '../day-files/day-file-descriptor';
import { knownBank, sendBytes } from '../day-files/day-file-http';
import { DayFileStore } from '../day-files/day-file.store';
import { DayFilesView, FileQueryParams, FilesQueryParams, ReconciliationQueryParams, ReconciliationView } from './reconciliation.dto';
import { businessDateParam, ReconciliationViewService } from './reconciliation-view.service';

@ApiTags('reconciliation')
@ApiBearerAuth()
@Controller('v1/reconciliation')
export class ReconciliationController {
  constructor(
    private readonly view: ReconciliationViewService,
    private readonly store: DayFileStore,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
  ) {}

  /** F-6.2: each bank's figures and the breaks of the date with their proposed adjustments; breaks paged by `cursor`. */
  @Get(':businessDate')
  @Roles('operator', 'supervisor', 'auditor')
  @ApiOkResponse({ type: ReconciliationView, description: 'a date with nothing reconciled yet: every bank PENDING, no breaks' })
  @ApiBadRequestResponse({ description: 'problem+json VALIDATION_FAILED: businessDate not a YYYY-MM-DD date, bankCode not a configured bank, a bad status, limit or cursor' })
  reconciliation(@Param('businessDate') businessDate: string, @Query() query: ReconciliationQueryParams): Promise<ReconciliationView> {
    return this.view.reconciliation(businessDate, query);
  }

  /** Every day file of the date, sent (S) and received (B), every version, which one is current. */
  @Get(':businessDate/files')
  @Roles('operator', 'supervisor', 'auditor')
  @ApiOkResponse({ type: DayFilesView })
  @ApiBadRequestResponse({ description: 'problem+json VALIDATION_FAILED: businessDate not a date, bankCode not a configured bank' })
  files(@Param('businessDate') businessDate: string, @Query() query: FilesQueryParams): Promise<DayFilesView> {
    return this.view.files(businessDate, query.bankCode);
  }

  /** The current version of one file, as the `.gz` it was sent or received as. */
  @Get(':businessDate/files/:fileName')
  @Roles('operator', 'supervisor', 'auditor')
  @ApiProduces('application/gzip')
  @ApiOkResponse({ description: 'the .gz; its descriptor in x-file-len, x-file-mac, x-file-time, x-bus-code' })
  @ApiBadRequestResponse({ description: 'problem+json VALIDATION_FAILED: bankCode missing or not configured, fileName not a day-file name' })
  @ApiNotFoundResponse({ description: 'problem+json NOT_FOUND: no such file of that bank and date is held' })
  async file(@Param('businessDate') businessDateText: string, @Param('fileName') fileName: string, @Query() query: FileQueryParams, @Res() response: Response): Promise<void> {
    const businessDate = businessDateParam(businessDateText);
    const bankCode = knownBank(this.config, query.bankCode, true)!;
    const named = namedDayFile(fileName);
    const stored = named.businessDate === businessDate ? await this.store.current(bankCode, fileName) : null;
    if (!stored) throw new DomainError('NOT_FOUND', `no ${fileName} of bank ${bankCode} for ${businessDate} is held`);
    await sendBytes(response, this.store, stored, undefined, true);
  }
}
