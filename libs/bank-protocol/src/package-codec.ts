import { type ChecksumMode, computeCheckSum, verifyCheckSum } from './checksum';
import { encodePackage, type PackageAttributes, type ParsedPackage, parsePackage } from './framing';
import { decodeMessage, encodeMessage, packageTypeOf, readEnvelope } from './message-codec';
import type { ProtocolMessage } from './message-registry';
import { decodeFailureReturnCode, MessageDecodeError } from './protocol-errors';
import { PACKAGE_FORMAT_ERROR_CODE, type ProtocolSide } from './return-codes';

/** The key state a package is signed or verified with (profile §2). */
export interface PackageSecurity {
  readonly mode: ChecksumMode;
  /** The session MAC key, or the exchange key before the first key sync. Unused by SUM256. */
  readonly macKey: Buffer;
}

export interface DecodedPackage {
  readonly attributes: PackageAttributes;
  readonly message: ProtocolMessage;
  readonly msgText: Buffer;
}

/** Encodes, signs and frames one message. */
export function encodeMessagePackage(
  message: ProtocolMessage,
  fields: { readonly seqNo: number; readonly dup?: boolean },
  security: PackageSecurity,
): Buffer {
  const msgText = encodeMessage(message);
  return encodePackage(msgText, {
    seqNo: fields.seqNo,
    dup: fields.dup,
    type: packageTypeOf(message.name),
    checkSum: computeCheckSum(security.mode, msgText, security.macKey),
  });
}

/**
 * Verifies the CheckSum over the received `<MsgText>` bytes, then decodes. A package that does not
 * verify is refused before its content is trusted (2043/1043, or 2042/5204 for a MAC); the
 * envelope is read only so the refusal can be answered to the right `Ref`.
 */
export function verifyAndDecode(
  parsed: ParsedPackage,
  options: { readonly localSide: ProtocolSide; readonly security: PackageSecurity },
): ProtocolMessage {
  const { mode, macKey } = options.security;
  if (!verifyCheckSum(mode, parsed.msgText, parsed.attributes.checkSum, macKey)) {
    const envelope = readEnvelope(parsed.msgText);
    const reason = mode === 'SUM256' ? 'CHECKSUM_MISMATCH' : 'MAC_MISMATCH';
    throw new MessageDecodeError(
      reason,
      decodeFailureReturnCode(reason, options.localSide),
      `CheckSum does not verify (${mode})`,
      'IFTS/@CheckSum',
      envelope?.name,
      envelope?.header,
    );
  }
  const message = decodeMessage(parsed.msgText, options);
  if (packageTypeOf(message.name) !== parsed.attributes.type) {
    throw new MessageDecodeError(
      'PACKAGE_FORMAT',
      PACKAGE_FORMAT_ERROR_CODE,
      `package Type ${parsed.attributes.type} does not match ${message.name}`,
      'IFTS/@Type',
      message.name,
      message.body.MsgHdr,
    );
  }
  return message;
}

/** Parses, verifies and decodes one complete package. Throws only `MessageDecodeError`. */
export function decodeMessagePackage(
  raw: Buffer,
  options: { readonly localSide: ProtocolSide; readonly security: PackageSecurity },
): DecodedPackage {
  const parsed = parsePackage(raw);
  return { attributes: parsed.attributes, message: verifyAndDecode(parsed, options), msgText: parsed.msgText };
}
