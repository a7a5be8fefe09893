import type { InstructionCode } from './code-lists';
import type { MessageHeader } from './components';
import type { PackageType } from './framing';
import type { XmlType } from './xml-schema';

/** Every message body of the standard starts with its `MsgHdr`. */
export interface MessageBodyBase {
  readonly MsgHdr: MessageHeader;
}

interface DefinitionBase<N extends string, T extends MessageBodyBase> {
  /** The message's tag, e.g. `Trf.001.01` (§5.x.2). */
  readonly name: N;
  /** §4.3.3.5: `S` for session messages, `B` for all others. */
  readonly packageType: PackageType;
  /** The InstrCd values this message may carry (§5.x.1). */
  readonly instructionCodes: readonly InstructionCode[];
  /**
   * Codes the standard lets this message carry but the profile does not use (e.g. the online
   * reconciliations 13001–13004 of Stmt.001.01): refused as not enabled (1034/2033), not as malformed.
   */
  readonly notEnabledCodes?: readonly InstructionCode[];
  readonly body: XmlType<T>;
  /**
   * Usage rules the table's cardinalities cannot express (§5.x.4), e.g. "sign-in carries AuthData".
   * Throws `SchemaViolation`. Method syntax keeps definitions assignable to `AnyMessageDefinition`.
   */
  check?(body: T, path: string): void;
}

export interface RequestDefinition<N extends string, R extends string, T extends MessageBodyBase> extends DefinitionBase<N, T> {
  readonly kind: 'request';
  readonly replyName: R;
}

export interface ReplyDefinition<N extends string, T extends MessageBodyBase> extends DefinitionBase<N, T> {
  readonly kind: 'reply';
}

export type AnyMessageDefinition =
  | RequestDefinition<string, string, MessageBodyBase>
  | ReplyDefinition<string, MessageBodyBase>;

export function defineRequest<const N extends string, const R extends string, T extends MessageBodyBase>(
  definition: Omit<RequestDefinition<N, R, T>, 'kind'>,
): RequestDefinition<N, R, T> {
  return { ...definition, kind: 'request' };
}

export function defineReply<const N extends string, T extends MessageBodyBase>(
  definition: Omit<ReplyDefinition<N, T>, 'kind'>,
): ReplyDefinition<N, T> {
  return { ...definition, kind: 'reply' };
}
