import type { MessageHeader } from './components';
import {
  PACKAGE_FORMAT_ERROR_CODE,
  type ProtocolSide,
  type ReturnCode,
  sideReturnCode,
} from './return-codes';

/**
 * Why an inbound package or message was refused. The reason is stable; the §7.23 return code that
 * answers it depends on which side is answering (bank-protocol.md §2), see `decodeFailureReturnCode`.
 */
export type DecodeFailure =
  | 'PACKAGE_FORMAT'
  | 'CHECKSUM_MISMATCH'
  | 'MAC_MISMATCH'
  | 'MALFORMED_XML'
  | 'UNKNOWN_MESSAGE'
  | 'NOT_ENABLED'
  | 'MISSING_ELEMENT'
  | 'UNEXPECTED_ELEMENT'
  | 'TOO_MANY_OCCURRENCES'
  | 'INVALID_VALUE'
  | 'INVALID_AMOUNT'
  | 'INVALID_CURRENCY'
  | 'INVALID_REFERENCE'
  | 'WRONG_SENDER'
  | 'WRONG_RECEIVER';

/** The most specific §7.23 code for a refusal, as the answering side sends it. */
export function decodeFailureReturnCode(reason: DecodeFailure, side: ProtocolSide): ReturnCode {
  switch (reason) {
    case 'PACKAGE_FORMAT':
      return PACKAGE_FORMAT_ERROR_CODE;
    case 'CHECKSUM_MISMATCH':
      return sideReturnCode('CHECKSUM_ERROR', side);
    case 'MAC_MISMATCH':
      return sideReturnCode('MAC_ERROR', side);
    case 'UNKNOWN_MESSAGE':
      return sideReturnCode('NO_SUCH_TRANSACTION', side);
    case 'NOT_ENABLED':
      return sideReturnCode('TRANSACTION_NOT_ENABLED', side);
    case 'INVALID_CURRENCY':
      return sideReturnCode('WRONG_CURRENCY', side);
    case 'INVALID_REFERENCE':
      return sideReturnCode('INVALID_SERIAL', side);
    case 'WRONG_SENDER':
      return sideReturnCode('WRONG_SENDER', side);
    case 'WRONG_RECEIVER':
      return sideReturnCode('WRONG_RECEIVER', side);
    case 'MALFORMED_XML':
    case 'MISSING_ELEMENT':
    case 'UNEXPECTED_ELEMENT':
    case 'TOO_MANY_OCCURRENCES':
    case 'INVALID_VALUE':
    case 'INVALID_AMOUNT':
      return sideReturnCode('MESSAGE_FORMAT_ERROR', side);
  }
}

export type BankProtocolErrorKind =
  | 'FRAMING'
  | 'DECODE'
  | 'ENCODE'
  | 'KEY_MATERIAL'
  | 'PIN_BLOCK'
  | 'REPLY_TIMEOUT'
  | 'CONNECTION_CLOSED'
  | 'SESSION_STATE'
  | 'SIGN_IN_REJECTED'
  | 'KEY_SYNC_REJECTED'
  | 'UNEXPECTED_REPLY'
  | 'FILE_TRANSFER'
  | 'DAY_FILE';

/**
 * The one error family of this library (conventions: one exception type per domain, with codes).
 * Subclasses exist only where callers need extra fields; `kind` is what edges switch on.
 */
export class BankProtocolError extends Error {
  constructor(
    readonly kind: BankProtocolErrorKind,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The byte stream is not a sequence of `<IFTS Len="NNNNN"…` packages; the caller closes the connection. */
export class FramingError extends BankProtocolError {
  constructor(message: string) {
    super('FRAMING', message);
  }
}

/**
 * An inbound package or message was refused. `returnCode` is what the decoding side answers with;
 * `header` is present when the message header could still be read, so a refusal can be answered
 * to the request's `Ref`.
 */
export class MessageDecodeError extends BankProtocolError {
  constructor(
    readonly reason: DecodeFailure,
    readonly returnCode: ReturnCode,
    message: string,
    readonly path?: string,
    readonly messageName?: string,
    readonly header?: MessageHeader,
  ) {
    super('DECODE', message);
  }

  withContext(messageName: string | undefined, header: MessageHeader | undefined): MessageDecodeError {
    return new MessageDecodeError(this.reason, this.returnCode, this.message, this.path, messageName, header);
  }
}

/** Our own message object breaks the standard's tables; a programming error, never sent. */
export class MessageEncodeError extends BankProtocolError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super('ENCODE', message);
  }
}

/** A key is not 16 bytes / 32 hex characters, or a key-sync component cannot be read. */
export class KeyMaterialError extends BankProtocolError {
  constructor(message: string) {
    super('KEY_MATERIAL', message);
  }
}

/** A PIN block cannot be built or read. Never carries the clear PIN. */
export class PinBlockError extends BankProtocolError {
  constructor(message: string) {
    super('PIN_BLOCK', message);
  }
}

/**
 * No reply within the timeout. The request WAS written to the connection: its business outcome is
 * UNKNOWN (bank-protocol.md §4 "Timeouts") and must be resolved by a 12005 query, not by a retry.
 */
export class ReplyTimeoutError extends BankProtocolError {
  readonly written = true;
  constructor(
    readonly ref: string,
    readonly timeoutMs: number,
  ) {
    super('REPLY_TIMEOUT', `no reply to ${ref} within ${timeoutMs} ms`);
  }
}

/**
 * The connection closed before a reply. `written` says whether the request had been written to the
 * socket: if not, it certainly had no effect; if so, its outcome is UNKNOWN.
 */
export class ConnectionClosedError extends BankProtocolError {
  constructor(
    readonly written: boolean,
    readonly reason: string,
  ) {
    super('CONNECTION_CLOSED', `connection closed (${reason}); request ${written ? 'was' : 'was not'} written`);
  }
}

/** The session cannot take this request now (not signed in, signing off, closed). Nothing was written. */
export class SessionStateError extends BankProtocolError {
  readonly written = false;
  constructor(message: string) {
    super('SESSION_STATE', message);
  }
}

export class SignInRejectedError extends BankProtocolError {
  constructor(
    readonly returnCode: ReturnCode,
    message: string,
  ) {
    super('SIGN_IN_REJECTED', message);
  }
}

export class KeySyncRejectedError extends BankProtocolError {
  constructor(
    readonly returnCode: ReturnCode,
    message: string,
  ) {
    super('KEY_SYNC_REJECTED', message);
  }
}

/**
 * A reply matched our request by `RltdRef` but is not a valid answer to it (wrong message, wrong
 * InstrCd, unreadable body). The request was written: its outcome is UNKNOWN.
 */
export class UnexpectedReplyError extends BankProtocolError {
  readonly written = true;
  constructor(
    readonly ref: string,
    message: string,
  ) {
    super('UNEXPECTED_REPLY', message);
  }
}
