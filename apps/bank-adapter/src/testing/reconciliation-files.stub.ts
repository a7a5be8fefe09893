import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DAY_FILE_BUSINESS_CODES, parseDayFileName } from '@custody/bank-protocol';
import type { DayFileDescriptor } from '@custody/contracts';

interface StoredFile {
  readonly descriptor: DayFileDescriptor;
  readonly content: Buffer;
}

const PATH = /^\/internal\/v1\/day-files\/([^/]+)\/([^/]+)$/;

/**
 * The reconciliation service's internal file API as docs/design.md fixes it, for the adapter's tests (the real
 * service is built beside this): `PUT` stores a file after checking its length and SM3 against `x-file-len` /
 * `x-file-mac` (else 422, nothing stored; the same file again is a no-op 200; another one becomes the current
 * version), `GET` streams the current version (`Range: bytes=N-` → 206 from byte N), `HEAD` its headers, 404
 * when not held. Only a request with the bearer token `accepts` takes is served (else 401). Faults: `failPuts`
 * makes that many PUTs answer 500 after reading the body; `failReads` that many GETs.
 */
export class ReconciliationFilesStub {
  private readonly files = new Map<string, StoredFile>();
  private readonly versions = new Map<string, number>();
  readonly requests: Array<{ readonly method: string; readonly fileName: string; readonly range?: string; readonly status: number }> = [];
  failPuts = 0;
  failReads = 0;
  private server: Server | undefined;
  url = '';

  constructor(private readonly accepts: (authorization: string | undefined) => boolean) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.serve(req, res));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    server?.closeAllConnections();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A file of ours as the owners would have written it (what the reconciliation service holds after `broker-files-ready`). */
  hold(bankCode: string, fileName: string, content: Buffer, fileTime = '20261121170000'): DayFileDescriptor {
    const named = parseDayFileName(fileName);
    const descriptor: DayFileDescriptor = {
      fileName,
      side: named.side,
      type: named.type,
      businessDate: named.businessDate,
      busCode: DAY_FILE_BUSINESS_CODES[named.type],
      fileLen: content.length,
      fileMac: sm3(content),
      fileTime,
    };
    this.files.set(`${bankCode}/${fileName}`, { descriptor, content });
    this.versions.set(`${bankCode}/${fileName}`, (this.versions.get(`${bankCode}/${fileName}`) ?? 0) + 1);
    return descriptor;
  }

  content(bankCode: string, fileName: string): Buffer | undefined {
    return this.files.get(`${bankCode}/${fileName}`)?.content;
  }

  descriptor(bankCode: string, fileName: string): DayFileDescriptor | undefined {
    return this.files.get(`${bankCode}/${fileName}`)?.descriptor;
  }

  /** How many versions of the file were stored (an identical PUT stores none). */
  versionsOf(bankCode: string, fileName: string): number {
    return this.versions.get(`${bankCode}/${fileName}`) ?? 0;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = PATH.exec(req.url ?? '');
    const fileName = match ? decodeURIComponent(match[2]) : '';
    const record = (status: number): void => {
      this.requests.push({ method: req.method ?? '', fileName, status, ...(req.headers.range ? { range: req.headers.range } : {}) });
    };
    if (!this.accepts(req.headers.authorization)) return this.problem(res, 401, 'UNAUTHENTICATED', record);
    if (!match) return this.problem(res, 404, 'NOT_FOUND', record);
    const key = `${decodeURIComponent(match[1])}/${fileName}`;
    if (req.method === 'PUT') return this.put(req, res, key, fileName, record);
    const stored = this.files.get(key);
    if (!stored) return this.problem(res, 404, 'NOT_FOUND', record);
    const headers = {
      'x-file-len': String(stored.descriptor.fileLen),
      'x-file-mac': stored.descriptor.fileMac,
      'x-file-time': stored.descriptor.fileTime,
      'x-bus-code': stored.descriptor.busCode,
    };
    if (req.method === 'HEAD') {
      record(200);
      res.writeHead(200, { ...headers, 'content-length': String(stored.content.length) }).end();
      return;
    }
    if (this.failReads > 0) {
      this.failReads -= 1;
      return this.problem(res, 503, 'UNAVAILABLE', record);
    }
    const from = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = from ? Number(from[1]) : 0;
    const status = from ? 206 : 200;
    record(status);
    res.writeHead(status, { ...headers, 'content-type': 'application/gzip' });
    // Written in pieces, as a stream from the database would be.
    for (let at = start; at < stored.content.length; at += 16 * 1024) {
      if (!res.write(stored.content.subarray(at, at + 16 * 1024))) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }

  private async put(req: IncomingMessage, res: ServerResponse, key: string, fileName: string, record: (status: number) => void): Promise<void> {
    const pieces: Buffer[] = [];
    for await (const piece of req) pieces.push(piece as Buffer);
    const content = Buffer.concat(pieces);
    if (this.failPuts > 0) {
      this.failPuts -= 1;
      return this.problem(res, 500, 'INTERNAL', record);
    }
    const mac = sm3(content);
    if (String(content.length) !== req.headers['x-file-len'] || mac !== req.headers['x-file-mac']) return this.problem(res, 422, 'VALIDATION_FAILED', record);
    const named = parseDayFileName(fileName);
    const busCode = String(req.headers['x-bus-code']);
    const descriptor: DayFileDescriptor = {
      fileName,
      side: named.side,
      type: named.type,
      businessDate: named.businessDate,
      busCode: busCode as DayFileDescriptor['busCode'],
      fileLen: content.length,
      fileMac: mac,
      fileTime: String(req.headers['x-file-time']),
    };
    if (this.files.get(key)?.descriptor.fileMac !== mac) {
      this.files.set(key, { descriptor, content });
      this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
    }
    record(200);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.files.get(key)?.descriptor));
  }

  private problem(res: ServerResponse, status: number, code: string, record: (status: number) => void): void {
    record(status);
    res.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status, code }));
  }
}

export function sm3(content: Buffer): string {
  return createHash('sm3').update(content).digest('hex').toUpperCase();
}
