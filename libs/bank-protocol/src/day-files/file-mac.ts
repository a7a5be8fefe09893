import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** What 13008 announces of a file (bank-protocol.md §5): `FileLen` bytes of the `.gz`, `FileMac` its SM3. */
export interface FileDigest {
  readonly fileLen: number;
  /** Uppercase hex SM3 of the whole `.gz`. */
  readonly fileMac: string;
}

/** `FileLen` and `FileMac` of a file held whole. */
export function fileDigestOf(gz: Uint8Array): FileDigest {
  return { fileLen: gz.length, fileMac: createHash('sm3').update(gz).digest('hex').toUpperCase() };
}

/**
 * Passes `.gz` bytes through unchanged while computing `FileLen` and `FileMac` (SM3, from Node's crypto like the
 * library's HMAC-SM3), so a file is digested in the same pass that writes or reads it. `digest` resolves once
 * the last byte has passed, and rejects if the stream fails or is stopped first.
 */
export class FileMacMeter extends Transform {
  readonly digest: Promise<FileDigest>;
  private readonly hash = createHash('sm3');
  private length = 0;
  private settled = false;
  private resolveDigest!: (digest: FileDigest) => void;
  private rejectDigest!: (error: Error) => void;

  constructor() {
    super();
    this.digest = new Promise<FileDigest>((resolve, reject) => {
      this.resolveDigest = resolve;
      this.rejectDigest = reject;
    });
    // The stream reports its own failure; a caller that never asks for the digest must not crash the process.
    this.digest.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.length += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.settled = true;
    this.resolveDigest({ fileLen: this.length, fileMac: this.hash.digest('hex').toUpperCase() });
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
