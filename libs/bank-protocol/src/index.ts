// Framing (profile §1)
export {
  DATA_VERSION,
  FrameDecoder,
  FRAME_PREFIX_BYTES,
  MAX_MSG_TEXT_BYTES,
  MAX_PACKAGE_BYTES,
  MIN_PACKAGE_BYTES,
  encodePackage,
  parsePackage,
} from './framing';
export type { PackageAttributes, PackageFields, PackageType, ParsedPackage } from './framing';

// Messages and their codec
export * from './code-lists';
export type {
  Account,
  Agent,
  Balance,
  Customer,
  Institution,
  MessageHeader,
  Password,
  PasswordKey,
  FileInfo,
  Reference,
  ReturnResult,
  TransferSummary,
  TransferSummaryConfirm,
} from './components';
export type { SessionMessage, SessionReply } from './sysm-messages';
export type {
  AccountCancellation,
  AccountCancellationReply,
  AccountInfoChange,
  AccountInfoChangeReply,
  AccountOpening,
  AccountOpeningReply,
  AccountQuery,
  AccountQueryReply,
  BankAccountChange,
  BankAccountChangeReply,
} from './acmt-messages';
export type { ResultQuery, ResultQueryReply, Reversal, ReversalReply, Transfer, TransferReply } from './trf-messages';
export type {
  DayBusinessEnd,
  DayBusinessEndReply,
  DayBusinessStart,
  DayBusinessStartReply,
  DayEndDataReady,
  DayEndDataReadyReply,
  TransferSummaryCheck,
  TransferSummaryCheckReply,
} from './stmt-messages';
export type { FileOperation, FileOperationReply } from './file-messages';
export {
  MESSAGE_DEFINITIONS,
  STANDARD_MESSAGE_PAIRS,
  isStandardMessageName,
  isStandardRequestName,
  messageDefinition,
  replyNameFor,
} from './message-registry';
export type { MessageBody, MessageName, ProtocolMessage, ReplyName, ReplyNameOf, RequestName } from './message-registry';
export { decodeMessage, encodeMessage, encodeRefusal, packageTypeOf, readEnvelope } from './message-codec';
export type { DecodeOptions, MessageEnvelope } from './message-codec';
export { decodeMessagePackage, encodeMessagePackage, verifyAndDecode } from './package-codec';
export type { DecodedPackage, PackageSecurity } from './package-codec';
export { MESSAGE_VERSION, beijingDateTime, replyHeader, requestHeader } from './message-headers';
export type { HeaderParties, RefIssuer } from './message-headers';
export { sequentialRefIssuer } from './ref-issuer';
export { MAX_SERIAL_LENGTH } from './xml-schema';

// Return codes (§7.23)
export {
  ALREADY_SIGNED_IN_CODE,
  NOT_SIGNED_IN_CODE,
  PACKAGE_FORMAT_ERROR_CODE,
  RETURN_CODES,
  SIDE_RETURN_CODES,
  SIGN_IN_REFUSED_CODE,
  SUCCESS_CODE,
  describeReturnCode,
  isKnownReturnCode,
  isSuccess,
  returnCodeOrigin,
  sideReturnCode,
} from './return-codes';
export type { KnownReturnCode, ProtocolSide, ReturnCode, ReturnCodeEntry, ReturnCodeOrigin, SideCondition } from './return-codes';

// Integrity, keys and passwords (profile §2)
export { CHECKSUM_MODES, computeCheckSum, hmacSm3Hex, sum256, verifyCheckSum } from './checksum';
export type { ChecksumMode } from './checksum';
export {
  KEY_BYTES,
  computeAuthData,
  generateWorkingKeys,
  keySyncComponents,
  parseKeyHex,
  readKeySyncComponents,
  unwrapWorkingKey,
  verifyAuthData,
  wrapWorkingKey,
} from './session-keys';
export type { WorkingKeys } from './session-keys';
export { tripleDesEcbDecrypt, tripleDesEcbEncrypt } from './triple-des';
export {
  ClearPin,
  encryptPinBlock,
  extractPin,
  formatZeroPinBlock,
  passwordComponent,
  pinAccountField,
  verifyPinBlock,
} from './pin-block';
export { PIN_VERIFIER_SCHEME, PinVerifierPrivateKey, PinVerifierPublicKey } from './pin-translation';
export type { PinBlockBinding, VerifierPinBlock } from './pin-translation';

// Sessions (profile §1–§3)
export {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_RETAINED_PACKAGES,
  ProtocolConnection,
} from './protocol-connection';
export type {
  BusinessReplyName,
  BusinessRequestName,
  InboundRequest,
  ProtocolConnectionOptions,
  ReplyDraft,
  RequestDraft,
  RequestHandler,
  RequestOptions,
  SessionClosed,
  SessionEvent,
  SessionState,
} from './protocol-connection';
export { acceptBankSession, openBrokerSession } from './session-roles';
export type { BrokerSessionOptions, RoleSessionOptions } from './session-roles';

// Day files on the wire (profile §5): 13005–13009
export * from './file-transfer';

// Errors
export {
  BankProtocolError,
  ConnectionClosedError,
  FramingError,
  KeyMaterialError,
  KeySyncRejectedError,
  MessageDecodeError,
  MessageEncodeError,
  PinBlockError,
  ReplyTimeoutError,
  SessionStateError,
  SignInRejectedError,
  UnexpectedReplyError,
  decodeFailureReturnCode,
} from './protocol-errors';
export type { BankProtocolErrorKind, DecodeFailure } from './protocol-errors';

// Day files (profile §5)
export * from './day-files';
