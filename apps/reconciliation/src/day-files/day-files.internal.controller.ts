import { Controller, Get, Head, Inject, Logger, Param, Put, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CUSTODY_CONFIG, type CustodyConfig, DomainError, Roles, SERVICE_ROLE } from '@custody/service-kit';
import { namedDayFile } from './day-file-descriptor';
import { FILE_HEADERS, knownBank, rangeStart, sendBytes, sendHead } from './day-file-http';
import { DayFileStore, type StoredDayFile } from './day-file.store';

function header(request: Request, name: string, pattern: RegExp, what: string): string {
  const value = request.headers[name];
  if (typeof value !== 'string' || !pattern.test(value)) throw new DomainError('VALIDATION_FAILED', `${name} must be ${what}, got ${JSON.stringify(value ?? null)}`);
  return value;
}

/**
 * Internal: the bank adapters keep every file they receive here and read the broker's files to send or serve
 * (docs/design.md "Reconciliation"). Callers sign as services; the ingress does not route it.
 */
@ApiExcludeController()
@Controller('internal/v1/day-files')
export class DayFilesInternalController {
  private readonly logger = new Logger(DayFilesInternalController.name);

  constructor(
    private readonly store: DayFileStore,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
  ) {}

  /** Body: the `.gz` bytes, any size, streamed; stored once its length and SM3 match the headers. */
  @Put(':bankCode/:fileName')
  @Roles(SERVICE_ROLE)
  async put(@Param('bankCode') bankCode: string, @Param('fileName') fileName: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const incoming = {
      bankCode: knownBank(this.config, bankCode, true)!,
      file: namedDayFile(fileName),
      fileLen: Number(header(request, FILE_HEADERS.fileLen, /^\d{1,15}$/, 'the byte length of the .gz')),
      fileMac: header(request, FILE_HEADERS.fileMac, /^[0-9A-Fa-f]{64}$/, 'the SM3 of the .gz in hex').toUpperCase(),
      fileTime: header(request, FILE_HEADERS.fileTime, /^\d{14}$/, 'YYYYMMDDHHMMSS'),
      busCode: header(request, FILE_HEADERS.busCode, /^\d{4}$/, 'a four-digit BusCode'),
    };
    const { stored, created } = await this.store.store(incoming, request);
    // A file held already was answered without reading its body: read it off the connection, unused.
    if (!request.readableEnded) request.resume();
    // 200 either way: the sender only needs to know the file is held whole (`created` is logged).
    if (created) this.logger.log(`stored ${stored.descriptor.fileName} of bank ${stored.bankCode} as version ${stored.version} (${stored.descriptor.fileLen} bytes, FileMac ${stored.descriptor.fileMac})`);
    response.status(200).json(stored.descriptor);
  }

  @Head(':bankCode/:fileName')
  @Roles(SERVICE_ROLE)
  async head(@Param('bankCode') bankCode: string, @Param('fileName') fileName: string, @Res() response: Response): Promise<void> {
    sendHead(response, await this.held(bankCode, fileName));
  }

  /** The current version's bytes; `Range: bytes=N-` → 206 from byte N (13007's `StPos`). */
  @Get(':bankCode/:fileName')
  @Roles(SERVICE_ROLE)
  async get(@Param('bankCode') bankCode: string, @Param('fileName') fileName: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    const from = rangeStart(request.headers.range);
    await sendBytes(response, this.store, await this.held(bankCode, fileName), from);
  }

  private async held(bankCode: string, fileName: string): Promise<StoredDayFile> {
    const stored = await this.store.current(knownBank(this.config, bankCode, true)!, namedDayFile(fileName).fileName);
    if (!stored) throw new DomainError('NOT_FOUND', `no ${fileName} of bank ${bankCode} is held`);
    return stored;
  }
}
