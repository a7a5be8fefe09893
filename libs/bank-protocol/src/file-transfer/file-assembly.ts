import { createGunzip, type Gunzip } from 'node:zlib';
import { FileDigest, type FileDescription, type FileSink, type FileSinkWriter, sameFileMac } from './file-description';

export type ChunkVerdict = { readonly accepted: true } | { readonly accepted: false; readonly why: string };
export type FileVerdict = { readonly whole: true } | { readonly whole: false; readonly why: string };

/**
 * Checks that the bytes are a readable gzip stream as they arrive, without keeping what they inflate
 * to: a file that matches its `FileMac` but cannot be read would pass every other check.
 */
class GzipProbe {
  private readonly gunzip: Gunzip = createGunzip();
  private failure: string | undefined;
  private readonly ended: Promise<void>;

  constructor() {
    this.ended = new Promise((resolve) => {
      this.gunzip.on('end', resolve);
      this.gunzip.on('error', (error: Error) => {
        this.failure ??= error.message;
        resolve();
      });
    });
    // Flowing mode, output dropped: only whether it inflates matters.
    this.gunzip.on('data', () => undefined);
  }

  push(data: Buffer): void {
    if (this.failure === undefined) this.gunzip.write(data);
  }

  async finish(): Promise<string | undefined> {
    if (this.failure === undefined) this.gunzip.end();
    await this.ended;
    return this.failure;
  }

  abandon(): void {
    this.gunzip.destroy();
  }
}

/**
 * One file being received, from its description to its verdict, for both ways a file arrives: pushed
 * by the peer (13008/13009, `FileReceiver`) or pulled from it (13006/13007, `FileFetcher`). Chunks must
 * follow on exactly from the last byte written; each is written to the sink once. The caller keeps one
 * assembly per file and calls it one chunk at a time.
 */
export class FileAssembly {
  private readonly digest = new FileDigest();
  private readonly probe = new GzipProbe();
  private closed = false;

  private constructor(
    readonly description: FileDescription,
    private readonly writer: FileSinkWriter,
  ) {}

  static async begin(sink: FileSink, description: FileDescription): Promise<FileAssembly> {
    return new FileAssembly(description, await sink.begin(description));
  }

  /** Bytes written so far: the `StPos` the next chunk must have. */
  get received(): number {
    return this.digest.bytes;
  }

  async accept(position: number, data: Buffer): Promise<ChunkVerdict> {
    if (position !== this.received) {
      return { accepted: false, why: position > this.received ? `gap: StPos ${position}, expected ${this.received}` : `StPos ${position} overlaps bytes already written (next is ${this.received})` };
    }
    if (this.received + data.length > this.description.fileLen) {
      return { accepted: false, why: `chunk ends at ${this.received + data.length}, past FileLen ${this.description.fileLen}` };
    }
    await this.writer.append(data);
    this.digest.update(data);
    this.probe.push(data);
    return { accepted: true };
  }

  /**
   * After the last chunk: length, `FileMac` and gzip are checked, then the file is committed or discarded. A
   * commit that fails (the sink's storage refused or was away) leaves the file not held: it is discarded and
   * the verdict says so, so the peer hears the transfer-error code and sends (or serves) the file again —
   * the same as for a bad file, rather than a system error that would end its transfer.
   */
  async finish(): Promise<FileVerdict> {
    const why = await this.verify();
    this.closed = true;
    if (why !== undefined) {
      await this.writer.discard();
      return { whole: false, why };
    }
    try {
      await this.writer.commit();
    } catch (error) {
      await this.writer.discard().catch(() => undefined);
      return { whole: false, why: `not stored: ${error instanceof Error ? error.message : String(error)}` };
    }
    return { whole: true };
  }

  async discard(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.probe.abandon();
    await this.writer.discard();
  }

  private async verify(): Promise<string | undefined> {
    const { fileLen, fileMac } = this.description;
    if (this.received !== fileLen) {
      this.probe.abandon();
      return `length ${this.received} bytes, FileLen says ${fileLen}`;
    }
    const mac = this.digest.hex();
    if (!sameFileMac(mac, fileMac)) {
      this.probe.abandon();
      return `FileMac mismatch: the bytes received digest to ${mac}`;
    }
    const unreadable = await this.probe.finish();
    return unreadable === undefined ? undefined : `not a readable gzip file: ${unreadable}`;
  }
}
