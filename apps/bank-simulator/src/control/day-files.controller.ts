import { Controller, Get, Param, Query } from '@nestjs/common';
import { BankDayFiles } from '../day-close/bank-day-files';
import { SimulatorError } from '../simulator-error';
import { businessDateQuery, parseInput } from './control-input';
import { dayFileRecordView, heldDayFileView } from './day-file-views';

/**
 * The bank's day files (its own and those the broker sent it), for tests and a developer: a date's files, and one
 * file read as JSON records (api.md's view of a record; an ID number only masked).
 */
@Controller('day-files')
export class DayFilesController {
  constructor(private readonly files: BankDayFiles) {}

  @Get()
  list(@Query() query: unknown) {
    const { businessDate } = parseInput(businessDateQuery, query);
    return { businessDate, files: this.files.list(businessDate).map(heldDayFileView) };
  }

  @Get(':fileName')
  async read(@Param('fileName') fileName: string) {
    const held = await this.files.content(fileName);
    if (!held) throw new SimulatorError('NOT_FOUND', `the bank holds no day file ${fileName}`);
    const records: unknown[] = [];
    try {
      for await (const record of this.files.readContent(held)) records.push(dayFileRecordView(held.file.type, record));
    } catch (error) {
      throw new SimulatorError('FILE_UNREADABLE', `${fileName} is not readable: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { ...heldDayFileView(held.file), records };
  }
}
