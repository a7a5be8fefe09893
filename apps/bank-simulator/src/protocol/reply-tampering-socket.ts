import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { encodePackage, parsePackage, readEnvelope } from '@custody/bank-protocol';

/**
 * The accepted socket as the session sees it, with two test hooks: the reply to a marked request
 * leaves with a `CheckSum` that does not verify (fault CORRUPT_CHECKSUM), or leaves twice (fault
 * DUPLICATE_REPLY). The session signs at write time and offers no way to write a reply twice, so the
 * only honest place for either is below it, on the bytes.
 *
 * The second copy of a reply is a package of its own, so it takes the next `SeqNo` (a repeated `SeqNo`
 * without `Dup` would rightly end the session, profile §3), and every later package of the session
 * moves up by one. Re-sends the broker asks for (10005) are still numbered by the session, so after a
 * duplicate they would not line up: a fault for a healthy link, which TCP is.
 *
 * It relies on `ProtocolConnection` writing each package with exactly one `write` call.
 */
export class ReplyTamperingSocket extends Duplex {
  private readonly corruptReplies = new Set<string>();
  private readonly duplicateReplies = new Set<string>();
  /** Packages this socket added to the session's stream: each later `SeqNo` moves up by as many. */
  private addedPackages = 0;

  constructor(private readonly socket: Socket) {
    super({ allowHalfOpen: false });
    socket.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (error: Error) => this.destroy(error));
    socket.on('close', () => this.destroy());
  }

  get remoteAddress(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** The next reply whose `RltdRef` is `requestSerial` goes out with a broken `CheckSum`. */
  corruptReplyTo(requestSerial: string): void {
    this.corruptReplies.add(requestSerial);
  }

  /** The next reply whose `RltdRef` is `requestSerial` goes out twice, the copy as the next package. */
  duplicateReplyTo(requestSerial: string): void {
    this.duplicateReplies.add(requestSerial);
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const frames = this.tamper(chunk);
    frames.slice(0, -1).forEach((frame) => this.socket.write(frame));
    this.socket.write(frames[frames.length - 1], (error) => callback(error ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.destroy();
    callback(error);
  }

  private tamper(frame: Buffer): Buffer[] {
    if (this.corruptReplies.size === 0 && this.duplicateReplies.size === 0 && this.addedPackages === 0) return [frame];
    try {
      const parsed = parsePackage(frame);
      const serial = readEnvelope(parsed.msgText)?.header?.RltdRef?.Ref;
      const corrupt = serial !== undefined && this.corruptReplies.delete(serial);
      const duplicate = serial !== undefined && this.duplicateReplies.delete(serial);
      const { type, dup, checkSum } = parsed.attributes;
      // The session signs every package; an unsigned one is not ours to renumber or copy.
      if (checkSum === undefined) return [frame];
      const seqNo = parsed.attributes.seqNo + this.addedPackages;
      const sent = encodePackage(parsed.msgText, { seqNo, type, dup, checkSum: corrupt ? brokenCheckSum(checkSum) : checkSum });
      if (!duplicate) return [sent];
      this.addedPackages += 1;
      return [sent, encodePackage(parsed.msgText, { seqNo: seqNo + 1, type, dup, checkSum })];
    } catch {
      return [frame];
    }
  }
}

/** A different value of the same shape: SUM256 stays a decimal 0–255, HMAC-SM3 stays 64 hex digits. */
export function brokenCheckSum(checkSum: string): string {
  if (/^\d{1,3}$/.test(checkSum)) return String((Number(checkSum) + 1) % 256);
  return `${checkSum[0] === '0' ? '1' : '0'}${checkSum.slice(1)}`;
}
