import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Chk02Record, type Chk03Record, dayFileName, type DayFileOutput, writeDayFile } from '@custody/bank-protocol';
import { CUSTODY_CONFIG, type CustodyConfig, DomainError, findBank, SecretSealer } from '@custody/service-kit';
import { chk02Record, chk03Record, type DayFileParties } from './account-day-file-records';
import { AccountDayFileRepository } from './account-day-file.repository';

/** The day files the account service writes (design: the close of a bank's day, step 2). */
export type AccountDayFileType = 'CHK02' | 'CHK03';

export interface AccountDayFile {
  /** `S_CHK02_YYYYMMDD.gz`: the broker's file of that type and date. */
  readonly fileName: string;
  /** The `.gz` bytes, produced as they are read; `digest` gives `FileLen` and `FileMac` once the last is. */
  readonly file: DayFileOutput;
}

/**
 * Writes the broker's S_CHK02 and S_CHK03 of a bank's day D (bank-protocol.md §5) from the account's own records:
 * relationships and the account functions that succeeded on them, names and branches as the account holds them.
 * Everything that can refuse the request is checked before the first byte, so a refusal is a problem, not a cut
 * file; the records themselves are pulled from the database only as the caller reads the file.
 */
@Injectable()
export class AccountDayFileService {
  private readonly logger = new Logger(AccountDayFileService.name);

  constructor(
    private readonly rows: AccountDayFileRepository,
    private readonly sealer: SecretSealer,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
  ) {}

  async write(type: AccountDayFileType, bankCode: string, businessDate: string): Promise<AccountDayFile> {
    const fileName = this.fileNameOf(type, businessDate);
    const bank = findBank(this.config, bankCode);
    if (!bank) throw new DomainError('NOT_FOUND', `bank ${bankCode} is not configured`);
    // A designation or cancellation the bank may already have booked on D but whose answer has not come back would be
    // missing from the file, and one the bank started listed without the opening balance it got; the reconciliation
    // service asks again until none is in flight.
    const pending = (await this.rows.unsettledDesignations(bankCode)) + (await this.rows.pendingCancellations(bankCode));
    if (pending > 0) {
      throw new DomainError('SNAPSHOT_NOT_SETTLED', `${pending} designation(s) or cancellation(s) at bank ${bankCode} still await the bank's answer or the ledger's opening balance`, { bankCode });
    }
    const parties: DayFileParties = { bankInstId: bank.code, brokerInstId: this.config.broker.instId };
    const file =
      type === 'CHK02'
        ? writeDayFile('CHK02', this.chk02Records(parties, bankCode, businessDate), { fileName })
        : writeDayFile('CHK03', this.chk03Records(parties, bankCode, businessDate, fileName), { fileName });
    return { fileName, file };
  }

  private fileNameOf(type: AccountDayFileType, businessDate: string): string {
    try {
      return dayFileName('S', type, businessDate);
    } catch {
      throw new DomainError('VALIDATION_FAILED', `"${businessDate}" is not a YYYY-MM-DD business date`);
    }
  }

  private async *chk02Records(parties: DayFileParties, bankCode: string, businessDate: string): AsyncGenerator<Chk02Record> {
    for await (const row of this.rows.chk02Rows(bankCode, businessDate)) yield chk02Record(row, parties);
  }

  private async *chk03Records(parties: DayFileParties, bankCode: string, businessDate: string, fileName: string): AsyncGenerator<Chk03Record> {
    for await (const row of this.rows.chk03Rows(bankCode, businessDate)) {
      // The bank holds the customer's ID number already (the 11001 carried it): showing it to the bank is the one
      // use of the sealed value (domain.md §14). It is never logged.
      const { record, gaps } = chk03Record(row, parties, this.sealer.open({ sealed: row.idNumberSealed }));
      if (gaps.length > 0) {
        this.logger.warn({ fileName, fundAccountNo: row.fundAccountNo, functionCode: row.functionCode, serialNo: row.brokerSerialNo ?? row.bankSerialNo, blank: gaps }, 'a CHK03 record carries fields blank or zero that the records could not fill');
      }
      yield record;
    }
  }
}
