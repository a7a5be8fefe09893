import { type CashExCode, CASH_EX_CODES, INSTRUCTION_CODES } from './code-lists';
import { account, agent, balance, customer, messageHeader, returnResult } from './components';
import { defineReply, defineRequest } from './message-definition';
import { codeList, currency, type Infer, optional, required, sequence, text } from './xml-schema';

/**
 * §5.3 / §5.4: account opening (开户) for 11001 designate, 11002 pre-designate, 11003 confirm
 * designation and 11010 register a currency.
 *
 * Where things go (profile §4): `ScBal` (证券方账户余额) is the opening balance of the fund account
 * (§5.3.4 g: 日初余额). The custody account number (存管账户) has no element of its own; it travels
 * in the reply to 11002 as `BkAcct` with `Type` 2. Elsewhere `BkAcct` is the customer's bank
 * settlement account (`Type` 1) and `ScAcct` the fund account (`Type` 3).
 */

const OPENING_CODES = [
  INSTRUCTION_CODES.DESIGNATE,
  INSTRUCTION_CODES.PRE_DESIGNATE,
  INSTRUCTION_CODES.CONFIRM_DESIGNATION,
  INSTRUCTION_CODES.REGISTER_CURRENCY,
] as const;

const cashExCode = codeList<CashExCode>('CashExCode', CASH_EX_CODES);

/** Table 20. */
export const accountOpeningBody = sequence('Acmt.001.01', {
  MsgHdr: required(messageHeader),
  Cust: required(customer),
  Agt: optional(agent),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  CashExCd: optional(cashExCode),
  ScBal: optional(balance),
  Dgst: optional(text(35)),
});
export type AccountOpening = Infer<typeof accountOpeningBody>;

export const ACCOUNT_OPENING = defineRequest({
  name: 'Acmt.001.01',
  replyName: 'Acmt.002.01',
  packageType: 'B',
  instructionCodes: OPENING_CODES,
  body: accountOpeningBody,
});

/** Table 21. §5.4.4 d: after a failure the elements following `Rst` may be left out. */
export const accountOpeningReplyBody = sequence('Acmt.002.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  CashExCd: optional(cashExCode),
  ScBal: optional(balance),
  Dgst: optional(text(35)),
});
export type AccountOpeningReply = Infer<typeof accountOpeningReplyBody>;

export const ACCOUNT_OPENING_REPLY = defineReply({
  name: 'Acmt.002.01',
  packageType: 'B',
  instructionCodes: OPENING_CODES,
  body: accountOpeningReplyBody,
});
