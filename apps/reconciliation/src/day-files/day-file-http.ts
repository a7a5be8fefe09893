import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { Response } from 'express';
import { type CustodyConfig, DomainError, findBank } from '@custody/service-kit';
import type { StoredDayFile } from './day-file.store';
import type { DayFileStore } from './day-file.store';

/** The `x-file-*` headers carry a file's descriptor both ways (docs/design.md "Reconciliation"). */
export const FILE_HEADERS = { fileLen: 'x-file-len', fileMac: 'x-file-mac', fileTime: 'x-file-time', busCode: 'x-bus-code' } as const;

export function knownBank(config: CustodyConfig, bankCode: string | undefined, required: boolean): string | undefined {
  if (bankCode === undefined || bankCode === '') {
    if (required) throw new DomainError('VALIDATION_FAILED', 'bankCode is required: day-file names do not name the bank');
    return undefined;
  }
  if (!findBank(config, bankCode)) throw new DomainError('VALIDATION_FAILED', `bankCode ${bankCode} is not a configured bank`);
  return bankCode;
}

/** `bytes=N-` (13007's `StPos`): the first byte wanted, or undefined for the whole file. */
export function rangeStart(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d+)-$/.exec(header.trim());
  if (!match) throw new DomainError('VALIDATION_FAILED', `Range "${header}" is not bytes=N- (the only form served)`);
  return Number(match[1]);
}

function describe(response: Response, stored: StoredDayFile): void {
  const { descriptor } = stored;
  response.setHeader('content-type', 'application/gzip');
  response.setHeader(FILE_HEADERS.fileLen, String(descriptor.fileLen));
  response.setHeader(FILE_HEADERS.fileMac, descriptor.fileMac);
  response.setHeader(FILE_HEADERS.fileTime, descriptor.fileTime);
  response.setHeader(FILE_HEADERS.busCode, descriptor.busCode);
  response.setHeader('accept-ranges', 'bytes');
}

/** HEAD: the descriptor alone. */
export function sendHead(response: Response, stored: StoredDayFile): void {
  describe(response, stored);
  response.setHeader('content-length', String(stored.descriptor.fileLen));
  response.status(200).end();
}

/** The bytes of one version, from `from` on (206) or whole (200), streamed a stored row at a time. */
export async function sendBytes(response: Response, store: DayFileStore, stored: StoredDayFile, from: number | undefined, attachment = false): Promise<void> {
  const { fileLen } = stored.descriptor;
  if (from !== undefined && from >= fileLen) {
    response.setHeader('content-range', `bytes */${fileLen}`);
    throw new DomainError('VALIDATION_FAILED', `Range starts at byte ${from}; ${stored.descriptor.fileName} has ${fileLen}`, { status: 416 });
  }
  describe(response, stored);
  if (attachment) response.setHeader('content-disposition', `attachment; filename="${stored.descriptor.fileName}"`);
  const start = from ?? 0;
  response.setHeader('content-length', String(fileLen - start));
  if (from !== undefined) response.setHeader('content-range', `bytes ${start}-${fileLen - 1}/${fileLen}`);
  response.status(from === undefined ? 200 : 206);
  try {
    await pipeline(Readable.from(store.bytes(stored.fileId, start)), response);
  } catch (error) {
    // Once the status went out no problem can follow: the reader sees a short body against content-length.
    if (!response.headersSent) throw error;
    new Logger('DayFiles').warn(`${stored.descriptor.fileName} of bank ${stored.bankCode} stopped mid-way: ${error instanceof Error ? error.message : String(error)}`);
  }
}
