import { NotYetError } from '../jobs/job-worker';
import type { SnapshotUnknown } from '../breaks/break-proposal';
import { unknownTransfersSchema } from './chk01-record-json';

/** The broker's files the owners write: transfer CHK01 and CHK04, account CHK02 and CHK03. */
export type BrokerFileType = 'CHK01' | 'CHK02' | 'CHK03' | 'CHK04';

/**
 * Where the broker's own files of a bank's day come from (docs/design.md "The close of a bank's day": the
 * owners' internal endpoints). A 409 SNAPSHOT_NOT_SETTLED is a `NotYetError`: the owner's books do not match
 * the day's snapshot yet, and the same question is asked again later.
 */
export abstract class BrokerFileOwners {
  /** The `.gz` bytes, streamed as the owner writes them. */
  abstract file(bankCode: string, businessDate: string, type: BrokerFileType): Promise<AsyncIterable<Uint8Array>>;
  /** The transfers UNKNOWN at the snapshot, each as CHK01 would list it had it succeeded. */
  abstract unknownTransfers(bankCode: string, businessDate: string): Promise<SnapshotUnknown[]>;
}

export interface OwnerUrls {
  readonly transfer: string;
  readonly account: string;
}

/** Until the answer's headers; a big file then streams for as long as it keeps coming. */
const ANSWER_TIMEOUT_MS = 30_000;
/** A body that stops coming for this long is given up (and the job tried again). */
const IDLE_TIMEOUT_MS = 60_000;

export class HttpBrokerFileOwners extends BrokerFileOwners {
  constructor(
    private readonly urls: OwnerUrls,
    /** Asked per call: the service runs for months, a token lasts minutes. */
    private readonly bearerToken: () => string,
  ) {
    super();
  }

  async file(bankCode: string, businessDate: string, type: BrokerFileType): Promise<AsyncIterable<Uint8Array>> {
    const owner = type === 'CHK02' || type === 'CHK03' ? 'account' : 'transfer';
    const controller = new AbortController();
    const response = await this.get(owner, `/internal/v1/banks/${bankCode}/days/${businessDate}/files/${type}`, controller);
    if (!response.body) throw new Error(`${owner} answered ${type} of ${bankCode} ${businessDate} with no body`);
    return idleAborted(response.body as unknown as AsyncIterable<Uint8Array>, controller, `${owner}'s ${type} of bank ${bankCode} for ${businessDate}`);
  }

  async unknownTransfers(bankCode: string, businessDate: string): Promise<SnapshotUnknown[]> {
    const response = await this.get('transfer', `/internal/v1/banks/${bankCode}/days/${businessDate}/unknown-transfers`, new AbortController());
    return unknownTransfersSchema.parse(await response.json()).transfers;
  }

  private async get(owner: keyof OwnerUrls, path: string, controller: AbortController): Promise<Response> {
    const timer = setTimeout(() => controller.abort(new Error(`${owner} did not answer ${path} within ${ANSWER_TIMEOUT_MS / 1000} s`)), ANSWER_TIMEOUT_MS);
    let response: Response;
    try {
      response = await fetch(`${this.urls[owner]}${path}`, { headers: { authorization: `Bearer ${this.bearerToken()}` }, signal: controller.signal });
    } catch (error) {
      throw new Error(`${owner} unreachable for ${path}: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
    if (response.ok) return response;
    const text = await response.text().catch(() => '');
    const code = problemCode(text);
    if (response.status === 409 && code === 'SNAPSHOT_NOT_SETTLED') {
      throw new NotYetError(`${owner} answered 409 SNAPSHOT_NOT_SETTLED for ${path}: its books do not match the day's snapshot yet`);
    }
    throw new Error(`${owner} answered ${response.status}${code ? ` ${code}` : ''} for ${path}: ${text.slice(0, 300)}`);
  }
}

function problemCode(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

/** The body's chunks, aborting the request when none comes for IDLE_TIMEOUT_MS. */
async function* idleAborted(body: AsyncIterable<Uint8Array>, controller: AbortController, what: string): AsyncGenerator<Uint8Array> {
  let timer = setTimeout(() => controller.abort(), IDLE_TIMEOUT_MS);
  let received = 0;
  try {
    // Leaving the loop early (the reader stopped) cancels the body.
    for await (const chunk of body) {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), IDLE_TIMEOUT_MS);
      received += chunk.length;
      yield chunk;
    }
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    throw new Error(`${what} stopped after ${received} bytes: ${error instanceof Error ? error.message : String(error)}${cause}`);
  } finally {
    clearTimeout(timer);
  }
}
