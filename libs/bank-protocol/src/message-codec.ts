import { CUSTODY_SYSTEM_TYPE, INSTRUCTION_CODES } from './code-lists';
import { type MessageHeader, messageHeader, type ReturnResult, returnResult } from './components';
import type { PackageType } from './framing';
import { decodeGb18030, encodeGb18030 } from './gb18030';
import type { AnyMessageDefinition, MessageBodyBase } from './message-definition';
import {
  isStandardMessageName,
  messageDefinition,
  type ProtocolMessage,
  replyNameFor,
} from './message-registry';
import { type DecodeFailure, decodeFailureReturnCode, MessageDecodeError, MessageEncodeError } from './protocol-errors';
import type { ProtocolSide } from './return-codes';
import { MAX_SERIAL_LENGTH, required, SchemaViolation, sequence, serialLength } from './xml-schema';
import { buildXmlElement, parseXmlElement, type XmlElement } from './xml-tree';

/**
 * Message body codec: typed message ⇄ GB18030 bytes of the `<MsgText>…</MsgText>` element (§4.4.1).
 * Decoding is done by one side of the protocol, whose §7.23 codes differ from the other's, so it
 * needs to know which side it speaks for.
 */
export interface DecodeOptions {
  readonly localSide: ProtocolSide;
}

/** What could be read of a message that failed to decode: enough to answer it. */
export interface MessageEnvelope {
  readonly name: string;
  readonly header: MessageHeader | undefined;
}

const KNOWN_INSTRUCTION_CODES = new Set<string>(Object.values(INSTRUCTION_CODES));

/** §4.3.3.5: `S` for session messages, `B` for everything else. */
export function packageTypeOf(messageName: string): PackageType {
  return messageName.startsWith('Sysm.') ? 'S' : 'B';
}

/** A function the standard defines and the profile leaves out is "not enabled", whatever its body holds. */
function checkEnabled(definition: AnyMessageDefinition, instrCd: string, path: string): void {
  if ((definition.notEnabledCodes as readonly string[] | undefined)?.includes(instrCd)) {
    throw new SchemaViolation('NOT_ENABLED', `${path}/MsgHdr/InstrCd`, `InstrCd ${instrCd} on ${definition.name} is not enabled by the profile`);
  }
}

/** Header-level rules shared by every message, then the message's own usage rules. */
function checkBody(definition: AnyMessageDefinition, body: MessageBodyBase, path: string): void {
  const header = body.MsgHdr;
  if (header.SysType !== CUSTODY_SYSTEM_TYPE) {
    throw new SchemaViolation('NOT_ENABLED', `${path}/MsgHdr/SysType`, `SysType ${header.SysType} is not third-party custody (0)`);
  }
  checkEnabled(definition, header.InstrCd, path);
  if (!(definition.instructionCodes as readonly string[]).includes(header.InstrCd)) {
    throw new SchemaViolation(
      KNOWN_INSTRUCTION_CODES.has(header.InstrCd) ? 'INVALID_VALUE' : 'UNKNOWN_MESSAGE',
      `${path}/MsgHdr/InstrCd`,
      `InstrCd ${header.InstrCd} is not carried by ${definition.name}`,
    );
  }
  if (serialLength(header.Ref.Ref) > MAX_SERIAL_LENGTH) {
    throw new SchemaViolation('INVALID_REFERENCE', `${path}/MsgHdr/Ref/Ref`, `serials are at most ${MAX_SERIAL_LENGTH} characters (profile §1)`);
  }
  if (definition.kind === 'reply' && header.RltdRef === undefined) {
    throw new SchemaViolation('MISSING_ELEMENT', `${path}/MsgHdr/RltdRef`, 'a reply names its request in RltdRef');
  }
  definition.check?.(body, path);
}

function serialize(element: XmlElement): Buffer {
  const bytes = encodeGb18030(buildXmlElement({ name: 'MsgText', text: undefined, children: [element] }));
  if (!bytes) throw new MessageEncodeError('text cannot be represented in GB18030', element.name);
  return bytes;
}

function encodeViolation(error: unknown): never {
  if (error instanceof SchemaViolation) throw new MessageEncodeError(error.message, error.path);
  throw error;
}

/** Encodes a typed message to the exact `<MsgText>` bytes, in the standard's element order. */
export function encodeMessage(message: ProtocolMessage): Buffer {
  const definition = messageDefinition(message.name);
  if (!definition) throw new MessageEncodeError(`no definition for ${String(message.name)}`, String(message.name));
  let element: XmlElement;
  try {
    element = definition.body.encode(message.body, message.name, message.name);
    checkBody(definition, message.body, message.name);
  } catch (error) {
    encodeViolation(error);
  }
  return serialize(element);
}

const minimalReply = sequence('reply', { MsgHdr: required(messageHeader), Rst: required(returnResult) });

/**
 * A reply holding only `MsgHdr` and `Rst`, for refusing a request of any standard message, typed here
 * or not: every reply table starts with those two, and the usage rules let a failed reply stop there.
 */
export function encodeRefusal(requestName: string, header: MessageHeader, result: ReturnResult): Buffer {
  const replyName = replyNameFor(requestName);
  if (!replyName) throw new MessageEncodeError(`${requestName} is not a standard request`, requestName);
  try {
    return serialize(minimalReply.encode({ MsgHdr: header, Rst: result }, replyName, replyName));
  } catch (error) {
    return encodeViolation(error);
  }
}

function tryReadHeader(element: XmlElement): MessageHeader | undefined {
  const headers = element.children.filter((child) => child.name === 'MsgHdr');
  if (headers.length !== 1) return undefined;
  try {
    return messageHeader.decode(headers[0], `${element.name}/MsgHdr`);
  } catch {
    return undefined;
  }
}

function parseMsgText(msgText: Buffer): XmlElement {
  const text = decodeGb18030(msgText);
  if (text === undefined) throw new SchemaViolation('MALFORMED_XML', 'MsgText', 'bytes are not valid GB18030');
  let root: XmlElement;
  try {
    root = parseXmlElement(text);
  } catch (error) {
    throw new SchemaViolation('MALFORMED_XML', 'MsgText', error instanceof Error ? error.message : 'unparseable XML');
  }
  if (root.name !== 'MsgText' || root.text !== undefined || root.children.length !== 1) {
    throw new SchemaViolation('MALFORMED_XML', 'MsgText', '<MsgText> must hold exactly one message element');
  }
  return root.children[0];
}

/** Best effort, never throws: the message tag and header of bytes that may be corrupt. */
export function readEnvelope(msgText: Buffer): MessageEnvelope | undefined {
  try {
    const element = parseMsgText(msgText);
    return { name: element.name, header: tryReadHeader(element) };
  } catch {
    return undefined;
  }
}

function refusal(
  side: ProtocolSide,
  reason: DecodeFailure,
  detail: string,
  path: string | undefined,
  envelope: MessageEnvelope | undefined,
): MessageDecodeError {
  return new MessageDecodeError(reason, decodeFailureReturnCode(reason, side), detail, path, envelope?.name, envelope?.header);
}

/**
 * Decodes `<MsgText>` bytes to a typed message. Every failure, whatever the input, is a
 * `MessageDecodeError` carrying the most specific §7.23 code for `options.localSide` and, when
 * readable, the message's header so the refusal can be answered.
 */
export function decodeMessage(msgText: Buffer, options: DecodeOptions): ProtocolMessage {
  let envelope: MessageEnvelope | undefined;
  try {
    const element = parseMsgText(msgText);
    envelope = { name: element.name, header: tryReadHeader(element) };
    const definition = messageDefinition(element.name);
    if (!definition) {
      const reason = isStandardMessageName(element.name) ? 'NOT_ENABLED' : 'UNKNOWN_MESSAGE';
      throw new SchemaViolation(reason, element.name, `message ${element.name} is ${reason === 'NOT_ENABLED' ? 'not enabled' : 'unknown'}`);
    }
    // Before the body: a function we do not enable is refused as such, not for the elements it carries.
    if (envelope.header) checkEnabled(definition, envelope.header.InstrCd, element.name);
    const body = definition.body.decode(element, element.name);
    checkBody(definition, body, element.name);
    // The registry pairs every name with its body type; the decoder just proved the body fits it.
    return { name: definition.name, body } as unknown as ProtocolMessage;
  } catch (error) {
    if (error instanceof SchemaViolation) throw refusal(options.localSide, error.reason, error.message, error.path, envelope);
    throw refusal(options.localSide, 'MALFORMED_XML', error instanceof Error ? error.message : 'undecodable message', undefined, envelope);
  }
}
