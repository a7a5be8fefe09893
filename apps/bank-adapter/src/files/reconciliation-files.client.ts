import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { FileDescription } from '@custody/bank-protocol';
import { type DayFileDescriptor, dayFileDescriptorSchema } from '@custody/contracts';
import type { ServiceTokenProvider } from '@custody/service-kit';
import { namedFile } from './day-file-descriptor';

/**
 * Where the broker keeps every day file, sent and received: the reconciliation service's internal file API
 * (`/internal/v1/day-files/{bankCode}/{fileName}`, docs/design.md "The bank adapter's day files"). The adapter
 * keeps no file of its own: it reads ours from there to send or serve them, and stores the bank's there as
 * they arrive.
 */
export interface DayFileStore {
  /** The current version's descriptor, or undefined when none is held (404). */
  describe(fileName: string): Promise<DayFileDescriptor | undefined>;
  /** The bytes of exactly the version `file` describes, from `position` on, streamed. */
  read(file: DayFileDescriptor, position: number): AsyncIterable<Uint8Array>;
  /** Stores the `.gz` at `path` as `file`, streamed; resolves once it is held (its length and SM3 checked there). */
  store(file: FileDescription, path: string): Promise<DayFileDescriptor>;
}

/** The file store could not say or do what was asked (down, slow, 5xx, an answer that is not the API's): try again later. */
export class DayFileStoreUnavailableError extends Error {
  override readonly name = 'DayFileStoreUnavailableError';
}

/** The file store refused what was asked (4xx other than 404): asking again the same way changes nothing. */
export class DayFileStoreRefusedError extends Error {
  override readonly name = 'DayFileStoreRefusedError';
}

/** The file changed (a new version was stored) between its description and the read of its bytes. */
export class DayFileChangedError extends DayFileStoreUnavailableError {}

const DESCRIBE_TIMEOUT_MS = 10_000;
/** A store streams the whole file: a floor for the round trip, and time for each MiB on top. */
const STORE_BASE_TIMEOUT_MS = 30_000;
const STORE_MS_PER_MIB = 1_000;

/**
 * The reconciliation service's internal file API over HTTP, with the adapter's own `service` token. Reads
 * and writes stream: a file of any size is never in memory. A read names the version it expects by
 * `FileMac` and fails if the service answers with another (a file replaced while it was being sent).
 */
export class HttpDayFileStore implements DayFileStore {
  private readonly base: string;

  constructor(
    reconciliationUrl: string,
    private readonly bankCode: string,
    private readonly token: ServiceTokenProvider,
  ) {
    this.base = `${reconciliationUrl.replace(/\/+$/, '')}/internal/v1/day-files/${encodeURIComponent(bankCode)}/`;
  }

  async describe(fileName: string): Promise<DayFileDescriptor | undefined> {
    const response = await this.call(fileName, { method: 'HEAD', signal: AbortSignal.timeout(DESCRIBE_TIMEOUT_MS) }, 'HEAD');
    if (response.status === 404) return undefined;
    this.expectStatus(response, [200], 'HEAD', fileName);
    return descriptorFromHeaders(fileName, response.headers);
  }

  async *read(file: DayFileDescriptor, position: number): AsyncIterable<Uint8Array> {
    if (position >= file.fileLen) return;
    const range: Record<string, string> = position > 0 ? { range: `bytes=${position}-` } : {};
    // No timeout on the body: a sender reads it piece by piece between round trips with the bank, so long
    // pauses on this stream are normal (TCP backpressure holds it).
    const response = await this.call(file.fileName, { method: 'GET', headers: range }, 'GET');
    if (response.status === 404) throw new DayFileChangedError(`${file.fileName} is no longer held`);
    this.expectStatus(response, [position > 0 ? 206 : 200], 'GET', file.fileName);
    const held = response.headers.get('x-file-mac')?.toUpperCase();
    if (held !== file.fileMac) {
      await response.body?.cancel();
      throw new DayFileChangedError(`${file.fileName} was replaced (FileMac ${held ?? 'missing'}, expected ${file.fileMac})`);
    }
    if (!response.body) return;
    // Leaving this loop early (a 13007 wants one chunk) destroys the stream and so ends the request.
    yield* Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  }

  async store(file: FileDescription, path: string): Promise<DayFileDescriptor> {
    const timeoutMs = STORE_BASE_TIMEOUT_MS + Math.ceil(file.fileLen / (1024 * 1024)) * STORE_MS_PER_MIB;
    const response = await this.call(
      file.fileName,
      {
        method: 'PUT',
        headers: {
          'content-type': 'application/gzip',
          'x-file-len': String(file.fileLen),
          'x-file-mac': file.fileMac.toUpperCase(),
          'x-file-time': file.fileTime,
          'x-bus-code': file.busCode,
        },
        body: Readable.toWeb(createReadStream(path)) as unknown as RequestInit['body'],
        duplex: 'half',
        signal: AbortSignal.timeout(timeoutMs),
      },
      'PUT',
    );
    this.expectStatus(response, [200, 201], 'PUT', file.fileName);
    const parsed = dayFileDescriptorSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new DayFileStoreUnavailableError(`PUT ${file.fileName}: the answer is not a day-file descriptor`);
    return parsed.data;
  }

  private async call(fileName: string, init: RequestInit & { duplex?: 'half' }, what: string): Promise<Response> {
    let bearer: string;
    try {
      bearer = await this.token();
    } catch {
      throw new DayFileStoreUnavailableError('no service token to call the reconciliation service with');
    }
    try {
      return await fetch(this.base + encodeURIComponent(fileName), { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${bearer}` } });
    } catch (error) {
      // By name, not class: the abort reason is a DOMException, which need not share this realm's Error.
      const timedOut = typeof error === 'object' && error !== null && 'name' in error && error.name === 'TimeoutError';
      throw new DayFileStoreUnavailableError(`${what} ${fileName}: reconciliation service ${timedOut ? 'did not answer in time' : 'not reachable'}`);
    }
  }

  private expectStatus(response: Response, expected: readonly number[], what: string, fileName: string): void {
    if (expected.includes(response.status)) return;
    void response.body?.cancel().catch(() => undefined);
    const message = `${what} ${fileName} (bank ${this.bankCode}): reconciliation service answered HTTP ${response.status}`;
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) throw new DayFileStoreRefusedError(message);
    throw new DayFileStoreUnavailableError(message);
  }
}

/** GET and HEAD carry the descriptor in `x-file-*` headers; the name gives side, type and date. */
export function descriptorFromHeaders(fileName: string, headers: Pick<Headers, 'get'>): DayFileDescriptor {
  const named = namedFile(fileName);
  const parsed = dayFileDescriptorSchema.safeParse({
    fileName,
    side: named?.side,
    type: named?.type,
    businessDate: named?.businessDate,
    busCode: headers.get('x-bus-code'),
    fileLen: Number(headers.get('x-file-len') ?? Number.NaN),
    fileMac: headers.get('x-file-mac')?.toUpperCase(),
    fileTime: headers.get('x-file-time'),
  });
  if (!parsed.success) throw new DayFileStoreUnavailableError(`${fileName}: the reconciliation service described it without a whole descriptor`);
  return parsed.data;
}
