import { FEE_PAY_FLAGS, INSTRUCTION_CODES } from './code-lists';
import { account, customer, institution, messageHeader, reference, returnResult, yesNo } from './components';
import { defineReply, defineRequest } from './message-definition';
import { isSuccess } from './return-codes';
import { amount, codeList, currency, type Infer, optional, repeated, required, SchemaViolation, sequence, text } from './xml-schema';

/** §5.13–§5.18: transfers (转账), their reversals (转账冲正) and the transaction result query (交易结果查询). */

const TRANSFER_CODES = [INSTRUCTION_CODES.BANK_TO_SECURITIES, INSTRUCTION_CODES.SECURITIES_TO_BANK] as const;
const QUERY_CODES = [INSTRUCTION_CODES.QUERY_RESULT] as const;
const feePayFlag = codeList('FeePayFlag', FEE_PAY_FLAGS);

/**
 * Table 30. `Resend` = `Y` marks a deliberate business re-send with the original `Ref` (§5.13.4 d,
 * profile §4 F-4.5). `TrfAmt` must be greater than zero (§5.13.4 h).
 */
export const transferBody = sequence('Trf.001.01', {
  MsgHdr: required(messageHeader),
  BookRef: optional(reference),
  Resend: optional(yesNo),
  Cust: optional(customer),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  TrfAmt: required(amount('positive')),
  SndAgt: optional(institution),
  RcvAgt: optional(institution),
  FeePayFlg: optional(feePayFlag),
  SendFee: optional(amount('non-negative')),
  RecvFee: optional(amount('non-negative')),
  Msg: optional(text(128)),
  Dgst: optional(text(35)),
});
export type Transfer = Infer<typeof transferBody>;

export const TRANSFER = defineRequest({
  name: 'Trf.001.01',
  replyName: 'Trf.002.01',
  packageType: 'B',
  instructionCodes: TRANSFER_CODES,
  body: transferBody,
});

/** Table 31. */
export const transferReplyBody = sequence('Trf.002.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  TrfAmt: optional(amount('non-negative')),
  FeePayFlg: optional(feePayFlag),
  Dgst: optional(text(35)),
});
export type TransferReply = Infer<typeof transferReplyBody>;

export const TRANSFER_REPLY = defineReply({
  name: 'Trf.002.01',
  packageType: 'B',
  instructionCodes: TRANSFER_CODES,
  body: transferReplyBody,
});

const REVERSAL_CODES = [INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES, INSTRUCTION_CODES.REVERSE_SECURITIES_TO_BANK] as const;

/**
 * Table 32. `CnRef` (the original request's `Ref`) is [0..1] in the table, but a reversal without it
 * names nothing to undo (§5.15.4 c), so this profile requires it. `TrfAmt` and the accounts are
 * optional here as in the table; §5.15.4 h asks for them so the receiver can check the original.
 */
export const reversalBody = sequence('Trf.003.01', {
  MsgHdr: required(messageHeader),
  CnRef: required(reference),
  Cust: optional(customer),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  TrfAmt: optional(amount('positive')),
  Dgst: optional(text(35)),
});
export type Reversal = Infer<typeof reversalBody>;

export const REVERSAL = defineRequest({
  name: 'Trf.003.01',
  replyName: 'Trf.004.01',
  packageType: 'B',
  instructionCodes: REVERSAL_CODES,
  body: reversalBody,
});

/** Table 33. */
export const reversalReplyBody = sequence('Trf.004.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  CnRef: optional(reference),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  TrfAmt: optional(amount('non-negative')),
  Dgst: optional(text(35)),
});
export type ReversalReply = Infer<typeof reversalReplyBody>;

export const REVERSAL_REPLY = defineReply({
  name: 'Trf.004.01',
  packageType: 'B',
  instructionCodes: REVERSAL_CODES,
  body: reversalReplyBody,
});

/** Table 34. Note the amount element is `Amt` here, not `TrfAmt` as in every other Trf message. */
export const resultQueryBody = sequence('Trf.005.01', {
  MsgHdr: required(messageHeader),
  QryRef: required(reference),
  Cust: optional(customer),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  Amt: optional(amount('non-negative')),
  Dgst: optional(text(35)),
});
export type ResultQuery = Infer<typeof resultQueryBody>;

export const RESULT_QUERY = defineRequest({
  name: 'Trf.005.01',
  replyName: 'Trf.006.01',
  packageType: 'B',
  instructionCodes: QUERY_CODES,
  body: resultQueryBody,
});

/**
 * Table 35. `Rst` says whether the query worked, `OrgRst` is the original's result (profile §4:
 * 0000, its failure code, 2027/1027 never seen, 2028/1028 in progress, 2006/1006 reversed).
 * `OrgRst` is [1..1] in the table, but §5.18.4 d lets a failed query omit everything after `Rst`;
 * so it is required exactly when `Rst` is a success.
 */
export const resultQueryReplyBody = sequence('Trf.006.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  QryRef: repeated(reference, 2),
  OrgRst: optional(returnResult),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  TrfAmt: optional(amount('non-negative')),
  Dgst: optional(text(35)),
});
export type ResultQueryReply = Infer<typeof resultQueryReplyBody>;

export const RESULT_QUERY_REPLY = defineReply({
  name: 'Trf.006.01',
  packageType: 'B',
  instructionCodes: QUERY_CODES,
  body: resultQueryReplyBody,
  check(body, path) {
    if (isSuccess(body.Rst.Code) && body.OrgRst === undefined) {
      throw new SchemaViolation('MISSING_ELEMENT', `${path}/OrgRst`, 'a successful query reply carries OrgRst');
    }
  },
});
