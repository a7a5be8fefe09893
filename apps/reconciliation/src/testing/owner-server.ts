import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { SnapshotUnknown } from '../breaks/break-proposal';

/**
 * A stand-in for the transfer and account services' internal file endpoints (docs/design.md "The close of a
 * bank's day"), over real HTTP: it streams the `.gz` bytes it was given, 64 KiB at a time, answers 409
 * SNAPSHOT_NOT_SETTLED while told to, and counts what it was asked.
 */
export class OwnerServer {
  /** By path: the `.gz` bytes, or the name of a file on disk holding them. */
  readonly files = new Map<string, Buffer | string>();
  unknowns: SnapshotUnknown[] = [];
  /** Answers to give 409 SNAPSHOT_NOT_SETTLED before serving (per path). */
  readonly notSettled = new Map<string, number>();
  readonly requests: string[] = [];
  /** Paths whose next answer stops half-way through the body (the owner or the connection died). */
  readonly cutOnce = new Set<string>();
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((request, response) => this.serve(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  fileUrl(bankCode: string, businessDate: string, type: string): string {
    return `/internal/v1/banks/${bankCode}/days/${businessDate}/files/${type}`;
  }

  /** The file the owners write for (bank, date, type). */
  serveFile(bankCode: string, businessDate: string, type: string, gz: Buffer | string): void {
    this.files.set(this.fileUrl(bankCode, businessDate, type), gz);
  }

  count(pathEnd: string): number {
    return this.requests.filter((path) => path.endsWith(pathEnd)).length;
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? '';
    this.requests.push(path);
    if (!/^Bearer .+/.test(request.headers.authorization ?? '')) {
      response.writeHead(401).end();
      return;
    }
    const refusals = this.notSettled.get(path) ?? 0;
    if (refusals > 0) {
      this.notSettled.set(path, refusals - 1);
      response.writeHead(409, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ status: 409, code: 'SNAPSHOT_NOT_SETTLED', detail: 'outcomes of the day are still in flight' }));
      return;
    }
    if (path.endsWith('/unknown-transfers')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ transfers: this.unknowns.map((u) => ({ transferId: u.transferId, record: u.record })) }));
      return;
    }
    const gz = this.files.get(path);
    if (!gz) {
      response.writeHead(404, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status: 404, code: 'NOT_FOUND' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/gzip' });
    if (typeof gz === 'string') {
      createReadStream(gz).pipe(response);
      return;
    }
    if (this.cutOnce.delete(path)) {
      response.write(gz.subarray(0, gz.length >> 1), () => response.destroy());
      return;
    }
    const pieces = function* () {
      for (let at = 0; at < gz.length; at += 64 * 1024) yield gz.subarray(at, at + 64 * 1024);
    };
    Readable.from(pieces()).pipe(response);
  }
}
