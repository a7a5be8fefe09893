import { createHash } from 'node:crypto';

/**
 * F-12.2.2: a batch file is known by its bytes (SHA-256), and each of its lines pre-designates under a `requestId`
 * derived from that digest and the line's number. Running the same file again — a re-upload, or the worker taking a
 * line again after a crash — asks `POST /v1/custody/pre-designations`' idempotency with the same key and the same
 * body, so what was done is answered again and nothing is sent to a bank twice.
 */
export function fileDigestOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** 32 hex digits (128 bits) of the digest keep the key within api.md's 64 characters for any line number. */
export function lineRequestId(fileDigest: string, lineNo: number): string {
  if (!/^[0-9a-f]{64}$/.test(fileDigest)) throw new Error('a file digest is 64 lowercase hex digits');
  if (!Number.isInteger(lineNo) || lineNo < 1) throw new Error(`line ${lineNo} is no line number`);
  return `conversion:${fileDigest.slice(0, 32)}:${lineNo}`;
}
