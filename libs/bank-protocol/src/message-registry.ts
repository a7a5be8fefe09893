import {
  ACCOUNT_CANCELLATION,
  ACCOUNT_CANCELLATION_REPLY,
  ACCOUNT_INFO_CHANGE,
  ACCOUNT_INFO_CHANGE_REPLY,
  ACCOUNT_OPENING,
  ACCOUNT_OPENING_REPLY,
  ACCOUNT_QUERY,
  ACCOUNT_QUERY_REPLY,
  BANK_ACCOUNT_CHANGE,
  BANK_ACCOUNT_CHANGE_REPLY,
} from './acmt-messages';
import { FILE_OPERATION, FILE_OPERATION_REPLY } from './file-messages';
import type { AnyMessageDefinition } from './message-definition';
import {
  DAY_BUSINESS_END,
  DAY_BUSINESS_END_REPLY,
  DAY_BUSINESS_START,
  DAY_BUSINESS_START_REPLY,
  DAY_END_DATA_READY,
  DAY_END_DATA_READY_REPLY,
  TRANSFER_SUMMARY_CHECK,
  TRANSFER_SUMMARY_CHECK_REPLY,
} from './stmt-messages';
import { SESSION_MESSAGE, SESSION_REPLY } from './sysm-messages';
import { RESULT_QUERY, RESULT_QUERY_REPLY, REVERSAL, REVERSAL_REPLY, TRANSFER, TRANSFER_REPLY } from './trf-messages';
import type { XmlType } from './xml-schema';

/**
 * The typed messages. Adding one is a new `*-messages.ts` file plus its lines here; the codec, the
 * session and the types below pick it up from this table.
 */
export const MESSAGE_DEFINITIONS = {
  'Sysm.001.01': SESSION_MESSAGE,
  'Sysm.002.01': SESSION_REPLY,
  'Acmt.001.01': ACCOUNT_OPENING,
  'Acmt.002.01': ACCOUNT_OPENING_REPLY,
  'Acmt.003.01': ACCOUNT_CANCELLATION,
  'Acmt.004.01': ACCOUNT_CANCELLATION_REPLY,
  'Acmt.005.01': ACCOUNT_INFO_CHANGE,
  'Acmt.006.01': ACCOUNT_INFO_CHANGE_REPLY,
  'Acmt.007.01': BANK_ACCOUNT_CHANGE,
  'Acmt.008.01': BANK_ACCOUNT_CHANGE_REPLY,
  'Acmt.009.01': ACCOUNT_QUERY,
  'Acmt.010.01': ACCOUNT_QUERY_REPLY,
  'Trf.001.01': TRANSFER,
  'Trf.002.01': TRANSFER_REPLY,
  'Trf.003.01': REVERSAL,
  'Trf.004.01': REVERSAL_REPLY,
  'Trf.005.01': RESULT_QUERY,
  'Trf.006.01': RESULT_QUERY_REPLY,
  'Stmt.001.01': TRANSFER_SUMMARY_CHECK,
  'Stmt.002.01': TRANSFER_SUMMARY_CHECK_REPLY,
  'Stmt.003.01': DAY_END_DATA_READY,
  'Stmt.004.01': DAY_END_DATA_READY_REPLY,
  'Stmt.005.01': DAY_BUSINESS_END,
  'Stmt.006.01': DAY_BUSINESS_END_REPLY,
  'Stmt.007.01': DAY_BUSINESS_START,
  'Stmt.008.01': DAY_BUSINESS_START_REPLY,
  'File.001.01': FILE_OPERATION,
  'File.002.01': FILE_OPERATION_REPLY,
} as const;

type Registry = typeof MESSAGE_DEFINITIONS;
type BodyOf<D> = D extends { readonly body: XmlType<infer T> } ? T : never;

export type MessageName = keyof Registry;
export type MessageBody<N extends MessageName> = BodyOf<Registry[N]>;

/** A decoded or to-be-encoded message: its tag and its body, keys being the standard's XML tags. */
export type ProtocolMessage<N extends MessageName = MessageName> = {
  [K in N]: { readonly name: K; readonly body: MessageBody<K> };
}[N];

export type RequestName = { [K in MessageName]: Registry[K] extends { readonly kind: 'request' } ? K : never }[MessageName];
export type ReplyName = Exclude<MessageName, RequestName>;
export type ReplyNameOf<N extends RequestName> = Registry[N] extends { readonly replyName: infer R extends ReplyName } ? R : never;

const BY_NAME: ReadonlyMap<string, AnyMessageDefinition> = new Map<string, AnyMessageDefinition>(
  Object.values(MESSAGE_DEFINITIONS).map((definition): [string, AnyMessageDefinition] => [definition.name, definition]),
);

export function messageDefinition(name: string): AnyMessageDefinition | undefined {
  return BY_NAME.get(name);
}

/**
 * Every request/reply pair of the standard (Appendix C, table C.1). Knowing the ones not typed yet
 * lets a session tell "not enabled" (1034) from "no such transaction" (1033) and still answer.
 */
export const STANDARD_MESSAGE_PAIRS: Readonly<Record<string, string>> = {
  'Sysm.001.01': 'Sysm.002.01',
  'Acmt.001.01': 'Acmt.002.01',
  'Acmt.003.01': 'Acmt.004.01',
  'Acmt.005.01': 'Acmt.006.01',
  'Acmt.007.01': 'Acmt.008.01',
  'Acmt.009.01': 'Acmt.010.01',
  'Trf.001.01': 'Trf.002.01',
  'Trf.003.01': 'Trf.004.01',
  'Trf.005.01': 'Trf.006.01',
  'Trf.007.01': 'Trf.008.01',
  'Stmt.001.01': 'Stmt.002.01',
  'Stmt.003.01': 'Stmt.004.01',
  'Stmt.005.01': 'Stmt.006.01',
  'Stmt.007.01': 'Stmt.008.01',
  'File.001.01': 'File.002.01',
};

const STANDARD_REPLIES = new Set(Object.values(STANDARD_MESSAGE_PAIRS));

export function isStandardMessageName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(STANDARD_MESSAGE_PAIRS, name) || STANDARD_REPLIES.has(name);
}

/** The reply tag for a standard request tag, typed or not. */
export function replyNameFor(requestName: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(STANDARD_MESSAGE_PAIRS, requestName) ? STANDARD_MESSAGE_PAIRS[requestName] : undefined;
}

export function isStandardRequestName(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(STANDARD_MESSAGE_PAIRS, name);
}
