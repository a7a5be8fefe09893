import { type CashExCode, CASH_EX_CODES, INSTRUCTION_CODES } from './code-lists';
import { account, agent, balance, customer, messageHeader, returnResult } from './components';
import { defineReply, defineRequest } from './message-definition';
import { isSuccess } from './return-codes';
import { codeList, currency, type Infer, optional, repeated, required, SchemaViolation, sequence, text } from './xml-schema';

/**
 * §5.3–§5.12: the account functions. Account opening (开户) for 11001 designate, 11002 pre-designate,
 * 11003 confirm designation and 11010 register a currency; cancellation (11004), account information
 * change (11005, 11011), bank account change (11006) and account query (11007–11009). Who may start
 * which (profile §4 table) is the receiving application's rule, not the codec's.
 *
 * Where things go (profile §4): in an opening, `ScBal` (证券方账户余额) is the opening balance of the
 * fund account (§5.3.4 g: 日初余额). The custody account number (存管账户) has no element of its own; it travels
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

/** Profile §4.1: the broker's 0000 to an opening the bank started carries the opening balance the bank records. */
const OPENINGS_ANSWERED_WITH_BALANCE: readonly string[] = [INSTRUCTION_CODES.DESIGNATE, INSTRUCTION_CODES.REGISTER_CURRENCY];

export const ACCOUNT_OPENING_REPLY = defineReply({
  name: 'Acmt.002.01',
  packageType: 'B',
  instructionCodes: OPENING_CODES,
  body: accountOpeningReplyBody,
  check(body, path) {
    if (!isSuccess(body.Rst.Code) || body.MsgHdr.TradSrc !== 'B' || !OPENINGS_ANSWERED_WITH_BALANCE.includes(body.MsgHdr.InstrCd)) return;
    if (body.ScBal === undefined) {
      throw new SchemaViolation('MISSING_ELEMENT', `${path}/ScBal`, `a successful ${body.MsgHdr.InstrCd} the bank started is answered with ScBal, the opening balance (profile §4.1)`);
    }
  },
});

const CANCELLATION_CODES = [INSTRUCTION_CODES.CANCEL_DESIGNATION] as const;

/**
 * Table 22 (§5.5): 11004 cancel custody (撤销关联银行). `BkAcct` is [1..1] in the table, but §5.5.4 c
 * (and profile §4.1) let a cancellation of a pre-designated relationship leave it out; whether the
 * relationship was pre-designated is the receiver's books, not the codec's, so it is optional here.
 * `ScBal` is the balance leaving the custody account (profile §4.1): absent or 0.00 for a
 * cancellation, the whole balance for a change of custodian bank.
 */
export const accountCancellationBody = sequence('Acmt.003.01', {
  MsgHdr: required(messageHeader),
  Cust: required(customer),
  BkAcct: optional(account),
  ScAcct: required(account),
  Ccy: optional(currency),
  ScBal: optional(balance),
  Dgst: optional(text(35)),
});
export type AccountCancellation = Infer<typeof accountCancellationBody>;

export const ACCOUNT_CANCELLATION = defineRequest({
  name: 'Acmt.003.01',
  replyName: 'Acmt.004.01',
  packageType: 'B',
  instructionCodes: CANCELLATION_CODES,
  body: accountCancellationBody,
});

/** Table 23 (§5.6). §5.6.4 d: after a failure the elements following `Rst` may be left out. */
export const accountCancellationReplyBody = sequence('Acmt.004.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  Dgst: optional(text(35)),
});
export type AccountCancellationReply = Infer<typeof accountCancellationReplyBody>;

export const ACCOUNT_CANCELLATION_REPLY = defineReply({
  name: 'Acmt.004.01',
  packageType: 'B',
  instructionCodes: CANCELLATION_CODES,
  body: accountCancellationReplyBody,
});

const INFO_CHANGE_CODES = [INSTRUCTION_CODES.CHANGE_CUSTOMER, INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS] as const;

/**
 * Table 24 (§5.7): 11005 customer data change (变更客户资料) and 11011 account status change (账户状态变更).
 * 11005 carries the new customer data in `Cust` (§5.7.4 c, profile §4.1); 11011 carries the new
 * §7.12 status in the `Status` of the initiator's own account (profile §4.1: `BkAcct` when the bank
 * starts it, `ScAcct` when the broker does). Without them the request changes nothing.
 */
export const accountInfoChangeBody = sequence('Acmt.005.01', {
  MsgHdr: required(messageHeader),
  Cust: optional(customer),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Dgst: optional(text(35)),
});
export type AccountInfoChange = Infer<typeof accountInfoChangeBody>;

export const ACCOUNT_INFO_CHANGE = defineRequest({
  name: 'Acmt.005.01',
  replyName: 'Acmt.006.01',
  packageType: 'B',
  instructionCodes: INFO_CHANGE_CODES,
  body: accountInfoChangeBody,
  check(body, path) {
    if (body.MsgHdr.InstrCd === INSTRUCTION_CODES.CHANGE_CUSTOMER && body.Cust === undefined) {
      throw new SchemaViolation('MISSING_ELEMENT', `${path}/Cust`, '11005 carries the new customer data in Cust (§5.7.4 c)');
    }
    if (body.MsgHdr.InstrCd === INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS) {
      // Profile §1: TradSrc names the initiator.
      const own = body.MsgHdr.TradSrc === 'B' ? 'BkAcct' : 'ScAcct';
      if (body[own]?.Status === undefined) {
        throw new SchemaViolation('MISSING_ELEMENT', `${path}/${own}/Status`, `11011 carries the new status in the initiator's ${own} (profile §4.1)`);
      }
    }
  },
});

/** Table 25 (§5.8). §5.8.4 d: after a failure the elements following `Rst` may be left out. */
export const accountInfoChangeReplyBody = sequence('Acmt.006.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Dgst: optional(text(35)),
});
export type AccountInfoChangeReply = Infer<typeof accountInfoChangeReplyBody>;

export const ACCOUNT_INFO_CHANGE_REPLY = defineReply({
  name: 'Acmt.006.01',
  packageType: 'B',
  instructionCodes: INFO_CHANGE_CODES,
  body: accountInfoChangeReplyBody,
});

const BANK_ACCOUNT_CHANGE_CODES = [INSTRUCTION_CODES.CHANGE_BANK_ACCOUNT] as const;

/**
 * Table 26 (§5.9): 11006 change the bank settlement account (变更银行方账户). `BkAcct` is the old
 * account and `NewBkAcct` the new one (§5.9.4 d); a change that does not name both changes nothing.
 * Profile §4.1: an optional `Type` 1 bank password in `BkAcct`, checked against the old account.
 */
export const bankAccountChangeBody = sequence('Acmt.007.01', {
  MsgHdr: required(messageHeader),
  Cust: optional(customer),
  BkAcct: optional(account),
  NewBkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  Dgst: optional(text(35)),
});
export type BankAccountChange = Infer<typeof bankAccountChangeBody>;

export const BANK_ACCOUNT_CHANGE = defineRequest({
  name: 'Acmt.007.01',
  replyName: 'Acmt.008.01',
  packageType: 'B',
  instructionCodes: BANK_ACCOUNT_CHANGE_CODES,
  body: bankAccountChangeBody,
  check(body, path) {
    if (body.BkAcct === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/BkAcct`, '11006 names the old bank account (§5.9.4 d)');
    if (body.NewBkAcct === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/NewBkAcct`, '11006 names the new bank account (§5.9.4 d)');
  },
});

/** Table 27 (§5.10). §5.10.4 d: after a failure the elements following `Rst` may be left out. */
export const bankAccountChangeReplyBody = sequence('Acmt.008.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  Dgst: optional(text(35)),
});
export type BankAccountChangeReply = Infer<typeof bankAccountChangeReplyBody>;

export const BANK_ACCOUNT_CHANGE_REPLY = defineReply({
  name: 'Acmt.008.01',
  packageType: 'B',
  instructionCodes: BANK_ACCOUNT_CHANGE_CODES,
  body: bankAccountChangeReplyBody,
});

const ACCOUNT_QUERY_CODES = [INSTRUCTION_CODES.IDENTITY_CHECK, INSTRUCTION_CODES.QUERY_FUND_BALANCE, INSTRUCTION_CODES.QUERY_BANK_BALANCE] as const;

/**
 * Table 28 (§5.11): 11007 identity check (客户身份验证), 11008 query the fund ledger balance (查询证券方
 * 账户余额) and 11009 query the bank balance (查询银行方账户余额). Passwords (profile §4.1): `Type` 0 in
 * `ScAcct` for 11008 and in `BkAcct` for 11009 where the customer is present.
 */
export const accountQueryBody = sequence('Acmt.009.01', {
  MsgHdr: required(messageHeader),
  Cust: optional(customer),
  BkAcct: optional(account),
  ScAcct: optional(account),
  Ccy: optional(currency),
  Dgst: optional(text(35)),
});
export type AccountQuery = Infer<typeof accountQueryBody>;

export const ACCOUNT_QUERY = defineRequest({
  name: 'Acmt.009.01',
  replyName: 'Acmt.010.01',
  packageType: 'B',
  instructionCodes: ACCOUNT_QUERY_CODES,
  body: accountQueryBody,
});

/**
 * Table 29 (§5.12). `BkBal` and `ScBal` are [0..n], one per §7.15 balance type (profile §4.1: 11008's
 * reply has `ScBal` of `Type` 0, 1 and 2, 11009's `BkBal` of `Type` 0 and 1). A successful balance
 * query answers with the balance it asked for (§5.12.4 f lets it leave out only the other one).
 */
export const accountQueryReplyBody = sequence('Acmt.010.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  BkAcct: optional(account),
  BkBal: repeated(balance),
  ScAcct: optional(account),
  ScBal: repeated(balance),
  Ccy: optional(currency),
  Dgst: optional(text(35)),
});
export type AccountQueryReply = Infer<typeof accountQueryReplyBody>;

export const ACCOUNT_QUERY_REPLY = defineReply({
  name: 'Acmt.010.01',
  packageType: 'B',
  instructionCodes: ACCOUNT_QUERY_CODES,
  body: accountQueryReplyBody,
  check(body, path) {
    if (!isSuccess(body.Rst.Code)) return;
    if (body.MsgHdr.InstrCd === INSTRUCTION_CODES.QUERY_FUND_BALANCE && body.ScBal === undefined) {
      throw new SchemaViolation('MISSING_ELEMENT', `${path}/ScBal`, 'a successful 11008 reply carries ScBal (§5.12.4 f)');
    }
    if (body.MsgHdr.InstrCd === INSTRUCTION_CODES.QUERY_BANK_BALANCE && body.BkBal === undefined) {
      throw new SchemaViolation('MISSING_ELEMENT', `${path}/BkBal`, 'a successful 11009 reply carries BkBal (§5.12.4 f)');
    }
  },
});
