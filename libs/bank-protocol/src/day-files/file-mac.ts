import { Transform, type TransformCallback } from 'node:stream';
import { FileDigest } from '../file-transfer/file-description';

/** What 13008 announces of a file (bank-protocol.md §5): `FileLen` bytes of the `.gz`, `FileMac` its SM3. */
export interface FileMeasure {
  readonly fileLen: number;
  /** Uppercase hex SM3 of the whole `.gz`. */
  readonly fileMac: string;
}

/**
 * Passes `.gz` bytes through unchanged while computing `FileLen` and `FileMac` (SM3, from Node's crypto like the
 * library's HMAC-SM3), so a file is digested in the same pass that writes or reads it. `digest` resolves once
 * the last byte has passed, and rejects if the stream fails or is stopped first.
 */
export class FileMacMeter extends Transform {
  readonly digest: Promise<FileMeasure>;
  private readonly hash = new FileDigest();
  private settled = false;
  private resolveDigest!: (digest: FileMeasure) => void;
  private rejectDigest!: (error: Error) => void;

  constructor() {
    super();
    this.digest = new Promise<FileMeasure>((resolve, reject) => {
      this.resolveDigest = resolve;
      this.rejectDigest = reject;
    });
    // The stream reports its own failure; a caller that never asks for the digest must not crash the process.
    this.digest.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.settled = true;
    this.resolveDigest({ fileLen: this.hash.bytes, fileMac: this.hash.hex() });
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.settled) {
      this.settled = true;
      this.rejectDigest(error ?? new Error('the file stopped before its end: no digest'));
    }
    callback(error);
  }
}
