import {
  ACCOUNT_TYPE,
  type Account,
  type Balance,
  BALANCE_TYPE,
  type AccountStatus,
  type BusinessRequestName,
  type Customer,
  describeReturnCode,
  INSTRUCTION_CODES,
  isSuccess,
  PASSWORD_TYPE,
  type ProtocolMessage,
  type Reference,
  type ReplyDraft,
  type ReturnCode,
  type ReturnResult,
  sideReturnCode,
  TRIPLE_DES_MODE,
} from '@custody/bank-protocol';
import type { bankAccountRequestReceived, BankReplyReady, bankRequestReceived, fundPasswordCheckSchema, RelationshipAccountStatus, SealedSecret } from '@custody/contracts';
import { type Currency, Money } from '@custody/money';
import type { z } from 'zod';

export type BankRequestReceived = z.infer<typeof bankRequestReceived.schema>;
export type BankAccountRequestReceived = z.infer<typeof bankAccountRequestReceived.schema>;
export type { BankReplyReady };
export type FundPasswordCheck = z.infer<typeof fundPasswordCheckSchema>;
type ReplyRoute = BankRequestReceived['route'];
type MessageRef = ReplyRoute['requestRef'];

export type ForwardedRequestName = 'Trf.001.01' | 'Trf.003.01' | 'Trf.005.01' | 'Acmt.001.01' | 'Acmt.003.01' | 'Acmt.005.01' | 'Acmt.007.01' | 'Acmt.009.01';

/**
 * A bank-initiated request the adapter forwards to its owner, with its fields as the bank sent them: to the
 * transfer service 12001/12002 (Trf.001.01), 12003/12004 (Trf.003.01), 12005 (Trf.005.01) and 11008
 * (Acmt.009.01); to the account service (`bank.account-request-received`, `ACCOUNT_SERVICE_FUNCTIONS`) 11001, 11003
 * and 11010 (Acmt.001.01, with `customer`; 11001 with the fund password), 11004 (Acmt.003.01, with `leavingBalance`),
 * 11011 (Acmt.005.01, with `accountStatus`), 11005 (Acmt.005.01, with `customer`), 11006 (Acmt.007.01, with
 * `newBankAccountNo` and, when the bank sent it, `customer`) and 11007 (Acmt.009.01, with `customer` and, when typed,
 * `fundPassword`). The owner validates the business content; the reply echoes what the bank sent.
 */
export interface InboundForward {
  readonly requestName: ForwardedRequestName;
  readonly function: BankRequestReceived['function'];
  readonly requestRef: MessageRef;
  readonly resend: boolean;
  /** Empty when the request names none (a 12005 may name only the serial). */
  readonly fundAccountNo: string;
  readonly bankAccountNo?: string;
  readonly currency: Currency;
  readonly amount?: Money;
  /** 12003/12004: `CnRef`, the original to undo. */
  readonly cancelledRef?: Reference;
  /** 12005: `QryRef`, the original whose outcome is asked. */
  readonly queriedRef?: Reference;
  /** 12002, 11008, 11001 and an 11007 with one: what the bank sent as the fund password; the bridge verifies it before forwarding. */
  readonly fundPassword?: FundPasswordInput;
  /**
   * 11001, 11003, 11005, 11006, 11007, 11010: the customer the bank identified at its counter (`Cust`; for 11005 the new
   * data, with the contact data it sent); the ID number is sealed before it leaves.
   */
  readonly customer?: InboundCustomer;
  /** 11011: the new status the bank sent in `BkAcct/Status` (profile §4.1). */
  readonly accountStatus?: RelationshipAccountStatus;
  /** 11006: `NewBkAcct`, the account the customer changes to (`bankAccountNo` is the old one). */
  readonly newBankAccountNo?: string;
  /** 11004: `ScBal`, the balance leaving the custody account (profile §4.1: absent or 0.00 for a cancellation). */
  readonly leavingBalance?: Money;
}

export interface InboundCustomer {
  readonly name: string;
  readonly idType: string;
  readonly idNumber: string;
  /** 11005 only: `Mobile`, `Addr`, `Email` where the bank sent them (profile §4.1: api.md's phone, address, email). */
  readonly phone?: string;
  readonly address?: string;
  readonly email?: string;
}

/** The functions whose owner is the account service (`bank.account-request-received`); the rest go to the transfer service. */
export const ACCOUNT_SERVICE_FUNCTIONS = [
  'DESIGNATE',
  'CONFIRM_DESIGNATION',
  'REGISTER_CURRENCY',
  'CANCEL_DESIGNATION',
  'CHANGE_ACCOUNT_STATUS',
  'CHANGE_BANK_ACCOUNT',
  'CHANGE_CUSTOMER',
  'CHECK_IDENTITY',
] as const;
type AccountServiceFunction = (typeof ACCOUNT_SERVICE_FUNCTIONS)[number];

export function isAccountServiceRequest(request: InboundForward): request is InboundForward & { readonly function: AccountServiceFunction } {
  return (ACCOUNT_SERVICE_FUNCTIONS as readonly string[]).includes(request.function);
}

/** §7.12 AccountStatus as the services name it. */
const ACCOUNT_STATUS_OF: Readonly<Record<AccountStatus, RelationshipAccountStatus>> = { '0': 'NORMAL', '1': 'FROZEN', '2': 'LOST' };

/**
 * The fund password of a 12002 B, an 11001 B, an 11008 B or an 11007 B as the bank sent it (profile §2: `ScAcct/Pwd`,
 * Enc 02, an encrypted ISO 9564-0 block; Type 1 on 12002 and 11001, Type 0 on 11007 and 11008). `block` is still
 * encrypted; only the
 * verifier decrypts it.
 */
export type FundPasswordInput =
  | { readonly kind: 'MISSING' }
  | { readonly kind: 'UNREADABLE'; readonly why: string }
  | { readonly kind: 'BLOCK'; readonly block: string };

export type InboundDecision =
  | { readonly kind: 'forward'; readonly request: InboundForward }
  | { readonly kind: 'refuse'; readonly returnCode: ReturnCode; readonly why: string; readonly reply: ReplyDraft };

const NOT_OFFERED = sideReturnCode('TRANSACTION_NOT_ENABLED', 'S');
const FORMAT_ERROR = sideReturnCode('MESSAGE_FORMAT_ERROR', 'S');
const INVALID_SERIAL = sideReturnCode('INVALID_SERIAL', 'S');
export const SYSTEM_ERROR = sideReturnCode('SYSTEM_ERROR', 'S');
const MAX_INFO = 128;

function result(code: ReturnCode, info: string): ReturnResult {
  const trimmed = info.slice(0, MAX_INFO);
  return trimmed ? { Code: code, Info: trimmed } : { Code: code };
}

/** A reply carrying only the result, for a request the adapter answers itself. */
export function refusalReply(requestName: BusinessRequestName, code: ReturnCode, info: string): ReplyDraft {
  const Rst = result(code, info);
  switch (requestName) {
    case 'Acmt.001.01':
      return { name: 'Acmt.002.01', body: { Rst } };
    case 'Acmt.003.01':
      return { name: 'Acmt.004.01', body: { Rst } };
    case 'Acmt.005.01':
      return { name: 'Acmt.006.01', body: { Rst } };
    case 'Acmt.007.01':
      return { name: 'Acmt.008.01', body: { Rst } };
    case 'Acmt.009.01':
      return { name: 'Acmt.010.01', body: { Rst } };
    case 'Trf.001.01':
      return { name: 'Trf.002.01', body: { Rst } };
    case 'Trf.003.01':
      return { name: 'Trf.004.01', body: { Rst } };
    case 'Trf.005.01':
      return { name: 'Trf.006.01', body: { Rst } };
    case 'Stmt.001.01':
      return { name: 'Stmt.002.01', body: { Rst } };
    case 'Stmt.003.01':
      return { name: 'Stmt.004.01', body: { Rst } };
    case 'Stmt.005.01':
      return { name: 'Stmt.006.01', body: { Rst } };
    case 'Stmt.007.01':
      return { name: 'Stmt.008.01', body: { Rst } };
    case 'File.001.01':
      return { name: 'File.002.01', body: { Rst } };
  }
}

function refuse(message: ProtocolMessage<BusinessRequestName>, returnCode: ReturnCode, why: string): InboundDecision {
  return { kind: 'refuse', returnCode, why, reply: refusalReply(message.name, returnCode, why) };
}

/** Only the two parties issue the serials a reversal or a query can name (F and C are other institutions). */
function namesPartyRef(ref: Reference): boolean {
  return ref.IssrType === 'B' || ref.IssrType === 'S';
}

function messageRef(ref: Reference, fallbackIssuer: string): MessageRef {
  return { serialNo: ref.Ref, issuerType: ref.IssrType === 'S' ? 'S' : 'B', issuerId: ref.RefIssr ?? fallbackIssuer };
}

/**
 * Profile §2 and §4.1: the fund password is a `Pwd` inside `ScAcct`, encrypted with Enc 02: Type 1 (取款) on a
 * 12002 and an 11001, Type 0 (查询) on an 11008. A block under another scheme cannot be read here, which is the customer's
 * loss, not a format error: the owner refuses it as a wrong password.
 */
function fundPasswordOf(account: Account, type: typeof PASSWORD_TYPE.WITHDRAWAL | typeof PASSWORD_TYPE.QUERY): FundPasswordInput {
  const password = account.Pwd?.find((pwd) => pwd.Type === undefined || pwd.Type === type);
  if (!password?.Pwd) return { kind: 'MISSING' };
  if (password.Enc !== undefined && password.Enc !== TRIPLE_DES_MODE) return { kind: 'UNREADABLE', why: `Enc ${password.Enc} is not 3DES (02)` };
  return { kind: 'BLOCK', block: password.Pwd };
}

/**
 * 11005's `Cust`: the full new name and ID document, and the contact data the bank sent (profile §4.1: `Mobile`,
 * `Addr`, `Email` where changed). Other elements of `Cust` (gender, nationality, fax…) are not part of the broker's
 * record and are not taken.
 */
function customerOf(cust: Customer): InboundCustomer {
  return {
    name: cust.Name,
    idType: cust.CertType,
    idNumber: cust.CertId,
    ...(cust.Mobile ? { phone: cust.Mobile } : {}),
    ...(cust.Addr ? { address: cust.Addr } : {}),
    ...(cust.Email ? { email: cust.Email } : {}),
  };
}

export interface InboundOffer {
  /** Whether 12002 B, 11008 B and 11001 B can be taken: they need the account service to verify the fund password. */
  readonly fundPasswords: boolean;
  /** Whether 11001, 11003, 11005, 11006, 11007 and 11010 B can be taken: the ID numbers they carry must be sealed before they cross Kafka. */
  readonly sealing: boolean;
}

/** The openings (Acmt.001.01) a bank may start (profile §4: 11002 is the broker's), as the services name them. */
const BANK_OPENINGS: Readonly<Record<string, 'DESIGNATE' | 'CONFIRM_DESIGNATION' | 'REGISTER_CURRENCY'>> = {
  [INSTRUCTION_CODES.DESIGNATE]: 'DESIGNATE',
  [INSTRUCTION_CODES.CONFIRM_DESIGNATION]: 'CONFIRM_DESIGNATION',
  [INSTRUCTION_CODES.REGISTER_CURRENCY]: 'REGISTER_CURRENCY',
};

/**
 * What to do with a request the bank started. Transfers (12001, 12002), their reversals (12003,
 * 12004), the result query (12005), the designation (11001), the confirmation of a pre-designation (11003), another
 * currency on a relationship (11010), the cancellation (11004), the account status change (11011), the customer data
 * change (11005), the bank account change (11006), the identity check (11007) and the fund ledger balance query
 * (11008) go to their owner; everything else (the other 11xxx, 13xxx) is answered here with 2033 (此交易未开通,
 * transaction not enabled) and never reaches Kafka. Messages the library could not decode never get here: it answers
 * them itself.
 */
export function classifyInbound(message: ProtocolMessage<BusinessRequestName>, offer: InboundOffer): InboundDecision {
  const header = message.body.MsgHdr;
  const notOffered = (): InboundDecision => refuse(message, NOT_OFFERED, `${header.InstrCd} initiated by the bank is not offered`);
  const opening = message.name === 'Acmt.001.01' ? BANK_OPENINGS[header.InstrCd] : undefined;
  if (message.name === 'Acmt.001.01' && (!opening || !offer.sealing)) return notOffered();
  // 11001 B carries the fund password (profile §4.1): taken only where it can be verified.
  if (opening === 'DESIGNATE' && !offer.fundPasswords) return notOffered();
  // 11007, 11008 and 11009 share Acmt.009.01: 11008 is offered where the fund password can be verified, 11007 where
  // the ID number can be sealed; 11009 is the broker's question to the bank.
  if (message.name === 'Acmt.009.01') {
    const offered = header.InstrCd === INSTRUCTION_CODES.QUERY_FUND_BALANCE ? offer.fundPasswords : header.InstrCd === INSTRUCTION_CODES.IDENTITY_CHECK && offer.sealing;
    if (!offered) return notOffered();
  }
  // 11005 (customer data change) shares Acmt.005.01 with 11011; it carries an ID number, so it needs sealing.
  if (message.name === 'Acmt.005.01' && header.InstrCd === INSTRUCTION_CODES.CHANGE_CUSTOMER && !offer.sealing) return notOffered();
  if (message.name === 'Acmt.007.01' && !offer.sealing) return notOffered();
  // The day's messages (13005–13012) are not wired here yet: answered 2033 as before they were typed.
  if (
    message.name !== 'Acmt.001.01' &&
    message.name !== 'Acmt.003.01' &&
    message.name !== 'Acmt.005.01' &&
    message.name !== 'Acmt.007.01' &&
    message.name !== 'Acmt.009.01' &&
    message.name !== 'Trf.001.01' &&
    message.name !== 'Trf.003.01' &&
    message.name !== 'Trf.005.01'
  ) {
    return notOffered();
  }
  // A request the bank sends is one the bank started (profile §1: TradSrc is the initiator), under a
  // serial the bank issued: owners key bank requests by it, apart from the serials we issue.
  if (header.TradSrc !== 'B') return refuse(message, FORMAT_ERROR, 'TradSrc must be B on a bank-initiated request');
  if (header.Ref.IssrType !== 'B' || (header.Ref.RefIssr !== undefined && header.Ref.RefIssr !== header.Sender.InstId)) {
    return refuse(message, INVALID_SERIAL, 'a bank-initiated request carries a serial the bank issued');
  }
  const requestRef = messageRef(header.Ref, header.Sender.InstId);
  switch (message.name) {
    case 'Acmt.001.01': {
      // F-3.2 B, F-3.3 B, 11010 B. Missing accounts are the owner's to refuse (2044), recorded against the serial like
      // its other answers — but an 11001 without the fund account has no password to check (as an 11008: 2044 here).
      const body = message.body;
      const designation = opening === 'DESIGNATE';
      if (designation && !body.ScAcct?.Id) return refuse(message, FORMAT_ERROR, 'ScAcct (fund account) is missing');
      return {
        kind: 'forward',
        request: {
          requestName: message.name,
          function: opening ?? 'CONFIRM_DESIGNATION',
          requestRef,
          resend: false,
          fundAccountNo: body.ScAcct?.Id ?? '',
          bankAccountNo: body.BkAcct?.Id,
          currency: body.Ccy ?? 'CNY',
          customer: { name: body.Cust.Name, idType: body.Cust.CertType, idNumber: body.Cust.CertId },
          ...(designation && body.ScAcct ? { fundPassword: fundPasswordOf(body.ScAcct, PASSWORD_TYPE.WITHDRAWAL) } : {}),
        },
      };
    }
    case 'Acmt.003.01': {
      // F-3.8 B. `Cust` stays here: the owner decides on the relationship and the ledger (docs/design.md "F-3.8 B"),
      // so no ID number crosses Kafka. A missing BkAcct is the owner's to judge (only a pre-designated relationship
      // may leave it out, profile §4.1), as is a balance leaving.
      const body = message.body;
      return {
        kind: 'forward',
        request: {
          requestName: message.name,
          function: 'CANCEL_DESIGNATION',
          requestRef,
          resend: false,
          fundAccountNo: body.ScAcct.Id,
          bankAccountNo: body.BkAcct?.Id,
          // One currency per relationship; renminbi when it names none (as §5.13.4 h for a transfer).
          currency: body.Ccy ?? 'CNY',
          ...(body.ScBal ? { leavingBalance: body.ScBal.Bal } : {}),
        },
      };
    }
    case 'Acmt.005.01': {
      const body = message.body;
      if (header.InstrCd === INSTRUCTION_CODES.CHANGE_CUSTOMER) {
        // F-3.5 B. The library refuses an 11005 without Cust; a missing ScAcct is the owner's 2044.
        if (!body.Cust) return refuse(message, FORMAT_ERROR, '11005 carries the new customer data in Cust');
        return {
          kind: 'forward',
          request: {
            requestName: message.name,
            function: 'CHANGE_CUSTOMER',
            requestRef,
            resend: false,
            fundAccountNo: body.ScAcct?.Id ?? '',
            bankAccountNo: body.BkAcct?.Id,
            // Profile §4.1: the data is every currency's; the field is only the forward's shape.
            currency: 'CNY',
            customer: customerOf(body.Cust),
          },
        };
      }
      // 11011 B. The library refuses an 11011 without the initiator's Status; a missing ScAcct is the owner's 2044.
      const status = body.BkAcct?.Status;
      if (status === undefined) return refuse(message, FORMAT_ERROR, '11011 carries the new status in BkAcct/Status');
      return {
        kind: 'forward',
        request: {
          requestName: message.name,
          function: 'CHANGE_ACCOUNT_STATUS',
          requestRef,
          resend: false,
          fundAccountNo: body.ScAcct?.Id ?? '',
          bankAccountNo: body.BkAcct?.Id,
          // Profile §4.1: the status applies to every currency; the field is only the forward's shape.
          currency: 'CNY',
          accountStatus: ACCOUNT_STATUS_OF[status],
        },
      };
    }
    case 'Acmt.007.01': {
      // F-3.4 B. The library refuses an 11006 without BkAcct or NewBkAcct; a missing ScAcct or Cust is the owner's 2044.
      const body = message.body;
      return {
        kind: 'forward',
        request: {
          requestName: message.name,
          function: 'CHANGE_BANK_ACCOUNT',
          requestRef,
          resend: false,
          fundAccountNo: body.ScAcct?.Id ?? '',
          bankAccountNo: body.BkAcct?.Id,
          newBankAccountNo: body.NewBkAcct?.Id,
          // §5.9.4 f: one currency per 11006; renminbi when it names none (as §5.13.4 h for a transfer).
          currency: body.Ccy ?? 'CNY',
          ...(body.Cust ? { customer: { name: body.Cust.Name, idType: body.Cust.CertType, idNumber: body.Cust.CertId } } : {}),
        },
      };
    }
    case 'Trf.001.01': {
      const body = message.body;
      const withdrawal = header.InstrCd === INSTRUCTION_CODES.SECURITIES_TO_BANK;
      if (withdrawal && !offer.fundPasswords) return notOffered();
      // §5.13.4 f: a transfer names the fund account; without it there is no ledger to touch.
      if (!body.ScAcct?.Id) return refuse(message, FORMAT_ERROR, 'ScAcct (fund account) is missing');
      return {
        kind: 'forward',
        request: {
          requestName: message.name,
          function: withdrawal ? 'SECURITIES_TO_BANK' : 'BANK_TO_SECURITIES',
          requestRef,
          resend: body.Resend === 'Y',
          fundAccountNo: body.ScAcct.Id,
          bankAccountNo: body.BkAcct?.Id,
          // §5.13.4 h: the currency defaults to renminbi.
          currency: body.Ccy ?? 'CNY',
          amount: body.TrfAmt,
          ...(withdrawal ? { fundPassword: fundPasswordOf(body.ScAcct, PASSWORD_TYPE.WITHDRAWAL) } : {}),
        },
      };
    }
    case 'Acmt.009.01': {
      // F-3.9 B and F-3.11 B. Without the fund account there is nothing to ask and no password to check (profile §4.1: 2044).
      const body = message.body;
      if (!body.ScAcct?.Id) return refuse(message, FORMAT_ERROR, 'ScAcct (fund account) is missing');
      if (header.InstrCd === INSTRUCTION_CODES.IDENTITY_CHECK) {
        // §5.11.4 d: an identity check carries the customer to check; without one there is nothing to compare.
        if (!body.Cust) return refuse(message, FORMAT_ERROR, 'Cust (the customer to check) is missing');
        // Profile §4.1: a password (Type 0) only where the customer typed one; then it must be verified.
        const fundPassword = fundPasswordOf(body.ScAcct, PASSWORD_TYPE.QUERY);
        if (fundPassword.kind !== 'MISSING' && !offer.fundPasswords) return notOffered();
        return {
          kind: 'forward',
          request: {
            requestName: message.name,
            function: 'CHECK_IDENTITY',
            requestRef,
            resend: false,
            fundAccountNo: body.ScAcct.Id,
            bankAccountNo: body.BkAcct?.Id,
            currency: body.Ccy ?? 'CNY',
            customer: { name: body.Cust.Name, idType: body.Cust.CertType, idNumber: body.Cust.CertId },
            ...(fundPassword.kind === 'MISSING' ? {} : { fundPassword }),
          },
        };
      }
      return {
        kind: 'forward',
        request: {
          requestName: message.name,
          function: 'QUERY_FUND_BALANCE',
          requestRef,
          resend: false,
          fundAccountNo: body.ScAcct.Id,
          bankAccountNo: body.BkAcct?.Id,
          currency: body.Ccy ?? 'CNY',
          fundPassword: fundPasswordOf(body.ScAcct, PASSWORD_TYPE.QUERY),
        },
      };
    }
    case 'Trf.003.01': {
      const body = message.body;
      if (!namesPartyRef(body.CnRef)) return refuse(message, INVALID_SERIAL, 'CnRef names a serial neither the bank nor the broker issued');
      return {
        kind: 'forward',
        request: {
          requestName: message.name,
          function: header.InstrCd === INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES ? 'REVERSE_BANK_TO_SECURITIES' : 'REVERSE_SECURITIES_TO_BANK',
          requestRef,
          resend: false,
          fundAccountNo: body.ScAcct?.Id ?? '',
          bankAccountNo: body.BkAcct?.Id,
          currency: body.Ccy ?? 'CNY',
          amount: body.TrfAmt,
          cancelledRef: body.CnRef,
        },
      };
    }
    case 'Trf.005.01': {
      const body = message.body;
      if (!namesPartyRef(body.QryRef)) return refuse(message, INVALID_SERIAL, 'QryRef names a serial neither the bank nor the broker issued');
      return {
        kind: 'forward',
        request: {
          requestName: message.name,
          function: 'QUERY_RESULT',
          requestRef,
          resend: false,
          fundAccountNo: body.ScAcct?.Id ?? '',
          bankAccountNo: body.BkAcct?.Id,
          currency: body.Ccy ?? 'CNY',
          amount: body.Amt,
          queriedRef: body.QryRef,
        },
      };
    }
  }
}

export function requestReceivedPayload(
  request: InboundForward,
  ids: {
    readonly inboundId: string;
    readonly bankCode: string;
    readonly adapterInstanceId: string;
    readonly sessionId: string;
    readonly businessDate: string;
    /** When the request was read off the session: the owner measures the bank's replyDeadlineMs from it. */
    readonly receivedAt: Date;
  },
  /** 12002 and 11008 only: the adapter's verdict on the fund password. */
  fundPassword?: FundPasswordCheck,
): BankRequestReceived {
  const { cancelledRef, queriedRef } = request;
  return {
    inboundId: ids.inboundId,
    bankCode: ids.bankCode,
    route: { adapterInstanceId: ids.adapterInstanceId, sessionId: ids.sessionId, requestRef: request.requestRef },
    function: request.function,
    serialNo: request.requestRef.serialNo,
    businessDate: ids.businessDate,
    resend: request.resend,
    receivedAt: ids.receivedAt.toISOString(),
    fundAccountNo: request.fundAccountNo,
    currency: request.currency,
    ...(request.amount === undefined ? {} : { amount: request.amount.toString() }),
    ...(request.bankAccountNo === undefined ? {} : { bankAccountNo: request.bankAccountNo }),
    // A Ref without RefIssr was issued by the bank that sends it (the sender of a 12003/12004/12005 B).
    ...(cancelledRef === undefined ? {} : { cancelledRef: messageRef(cancelledRef, request.requestRef.issuerId) }),
    ...(queriedRef === undefined ? {} : { queriedRef: messageRef(queriedRef, request.requestRef.issuerId) }),
    ...(fundPassword === undefined ? {} : { fundPassword }),
  };
}

/**
 * A request of the account service's (`isAccountServiceRequest`) for `bank.account-request-received`: as
 * `requestReceivedPayload`, with what its function carries; every ID number sealed with `seal` (no PII on Kafka in
 * clear, as account's own messages). An 11011 and an 11004 carry none; an 11006 may name no `Cust`; an 11001 carries
 * the adapter's verdict on the fund password, an 11007 when one was typed.
 */
export function accountRequestReceivedPayload(
  request: InboundForward & { readonly function: AccountServiceFunction },
  ids: Parameters<typeof requestReceivedPayload>[1],
  seal: (clear: string) => SealedSecret,
  fundPassword?: FundPasswordCheck,
): BankAccountRequestReceived {
  const fields = {
    inboundId: ids.inboundId,
    bankCode: ids.bankCode,
    route: { adapterInstanceId: ids.adapterInstanceId, sessionId: ids.sessionId, requestRef: request.requestRef },
    serialNo: request.requestRef.serialNo,
    businessDate: ids.businessDate,
    receivedAt: ids.receivedAt.toISOString(),
    fundAccountNo: request.fundAccountNo,
    ...(request.bankAccountNo === undefined ? {} : { bankAccountNo: request.bankAccountNo }),
  };
  const identity = (customer: InboundCustomer) => ({ name: customer.name, idType: customer.idType, idNumber: seal(customer.idNumber) });
  const present = <T>(what: T | undefined, name: string): T => {
    // classifyInbound builds each of these functions with what it carries; without it the forward is a bug here.
    if (what === undefined) throw new Error(`${request.function} forwarded without its ${name}`);
    return what;
  };
  switch (request.function) {
    case 'DESIGNATE':
      return {
        ...fields,
        function: request.function,
        currency: request.currency,
        customer: identity(present(request.customer, 'customer')),
        ...(fundPassword === undefined ? {} : { fundPassword }),
      };
    case 'CONFIRM_DESIGNATION':
    case 'REGISTER_CURRENCY':
      return { ...fields, function: request.function, currency: request.currency, customer: identity(present(request.customer, 'customer')) };
    case 'CHECK_IDENTITY':
      return {
        ...fields,
        function: request.function,
        currency: request.currency,
        customer: identity(present(request.customer, 'customer')),
        ...(fundPassword === undefined ? {} : { fundPassword }),
      };
    case 'CANCEL_DESIGNATION':
      return {
        ...fields,
        function: request.function,
        currency: request.currency,
        ...(request.leavingBalance === undefined ? {} : { leavingBalance: request.leavingBalance }),
      };
    case 'CHANGE_ACCOUNT_STATUS':
      // No currency: the status applies to every one (profile §4.1).
      return { ...fields, function: request.function, accountStatus: present(request.accountStatus, 'status') };
    case 'CHANGE_BANK_ACCOUNT':
      return {
        ...fields,
        function: request.function,
        currency: request.currency,
        ...(request.newBankAccountNo === undefined ? {} : { newBankAccountNo: request.newBankAccountNo }),
        ...(request.customer === undefined ? {} : { customer: identity(request.customer) }),
      };
    case 'CHANGE_CUSTOMER': {
      const customer = present(request.customer, 'customer');
      return {
        ...fields,
        function: request.function,
        customer: {
          ...identity(customer),
          ...(customer.phone === undefined ? {} : { phone: customer.phone }),
          ...(customer.address === undefined ? {} : { address: customer.address }),
          ...(customer.email === undefined ? {} : { email: customer.email }),
        },
      };
    }
  }
}

/** The accounts as the bank named them, echoed so it can check the pairing — never a password. */
function echoedAccounts(request: InboundForward, booked?: QueriedOriginal): { BkAcct?: Account; ScAcct?: Account } {
  const bankAccountNo = request.bankAccountNo ?? booked?.bankAccountNo;
  const fundAccountNo = request.fundAccountNo || booked?.fundAccountNo;
  return {
    ...(bankAccountNo === undefined ? {} : { BkAcct: { Id: bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT } }),
    ...(fundAccountNo ? { ScAcct: { Id: fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT } } : {}),
  };
}

type QueriedOriginal = NonNullable<BankReplyReady['queriedOriginal']>;

/** Profile §4.1: 11008's `ScBal` entries, Type 0, 1 and 2 (§7.15); undefined when the owner gave none the reply can carry. */
function fundBalancesOf(figures: BankReplyReady['fundBalances']): Balance[] | undefined {
  if (!figures) return undefined;
  const entries: Balance[] = [
    { Type: BALANCE_TYPE.BALANCE, Bal: figures.balance },
    { Type: BALANCE_TYPE.AVAILABLE, Bal: figures.available },
    { Type: BALANCE_TYPE.WITHDRAWABLE, Bal: figures.withdrawable },
  ];
  return entries.every((entry) => !entry.Bal.isNegative()) ? entries : undefined;
}

/**
 * Trf.006.01 `QryRef` (Table 35, [0..2]): the queried `Ref`, and when the original was the bank's and we
 * booked it, our serial of it too (the serial of our reply), so both sides can pair their records.
 */
function queryRefs(queried: Reference | undefined, booked: QueriedOriginal | undefined, brokerInstId: string): { QryRef?: Reference[] } {
  if (!queried) return {};
  if (!booked || queried.IssrType === 'S') return { QryRef: [queried] };
  return { QryRef: [queried, { Ref: booked.ourSerialNo, IssrType: 'S', RefIssr: brokerInstId }] };
}

/** Profile §4.1: the opening balance of an 11001/11010 B, `ScBal` Type 0; undefined when the owner gave none the reply can carry. */
function openingBalanceOf(answer: BankReplyReady): Balance | undefined {
  const figure = answer.openingBalance;
  return figure && !figure.isNegative() ? { Type: BALANCE_TYPE.BALANCE, Bal: figure } : undefined;
}

/**
 * The reply for the bank, from the owner's answer. Its `Ref` is the owner's serial (the library issues
 * one when the owner gave none); `RltdRef` is set by the session from the request.
 * - Acmt.002.01 (11001, 11003, 11010) echoes the accounts and currency; an 11001 or 11010 answered 0000 carries
 *   the opening balance as `ScBal` (profile §4.1), which it must have: an owner answer without it is a fault on our
 *   side, answered 2041 as an 11008 without its figures;
 * - Acmt.004.01 (11004) echoes the accounts and currency: the relationship cancelled, or that stays (§5.6.4 e);
 * - Acmt.010.01 (11007) echoes the accounts and currency: the answer is its code;
 * - Acmt.010.01 (11008) echoes the accounts and currency and, on 0000, carries the fund ledger's figures as
 *   `ScBal` Type 0 (balance), 1 (available) and 2 (withdrawable) (profile §4.1), which a successful query
 *   must have: an owner answer without them (or with a figure below zero, which `Balance` cannot carry) is
 *   a fault on our side, answered 2041 like a 12005 without its original's result;
 * - Acmt.006.01 (11011, 11005) echoes the accounts (Table 25 has no currency: the status and the customer's data are
 *   every currency's);
 * - Acmt.008.01 (11006) echoes the fund account, the currency and the bank account after the change (§5.10.4 e);
 * - Trf.002.01 echoes accounts, currency and amount (§5.14.4 e, f);
 * - Trf.004.01 echoes `CnRef`, accounts, currency and amount (§5.16.4 e, f);
 * - Trf.006.01 carries the queried `Ref` in `QryRef` and the original's result in `OrgRst` (profile §4),
 *   which a successful query must have: an owner answer without it is a fault on our side, answered
 *   2041 (the query failed, the bank asks again) rather than a reply the library would refuse to write.
 *   An original we booked adds our serial of it to `QryRef`, and its accounts, currency and amount as we
 *   booked them, for the bank to check against its own (§5.18.4 g, h).
 */
export function replyFor(request: InboundForward, answer: BankReplyReady, brokerInstId: string): ReplyDraft {
  const Rst = result(answer.returnCode, answer.returnMessage);
  const serial = answer.serialNo === undefined ? {} : { serial: answer.serialNo };
  const amount = request.amount === undefined ? {} : { TrfAmt: request.amount };
  switch (request.requestName) {
    case 'Acmt.001.01': {
      if (!isSuccess(answer.returnCode) || request.function === 'CONFIRM_DESIGNATION') {
        return { name: 'Acmt.002.01', ...serial, body: { Rst, ...echoedAccounts(request), Ccy: request.currency } };
      }
      const opening = openingBalanceOf(answer);
      if (!opening) return { name: 'Acmt.002.01', ...serial, body: { Rst: result(SYSTEM_ERROR, 'the opening balance is not known here') } };
      return { name: 'Acmt.002.01', ...serial, body: { Rst, ...echoedAccounts(request), Ccy: request.currency, ScBal: opening } };
    }
    case 'Acmt.009.01': {
      if (request.function === 'CHECK_IDENTITY' || !isSuccess(answer.returnCode)) return { name: 'Acmt.010.01', ...serial, body: { Rst, ...echoedAccounts(request), Ccy: request.currency } };
      const balances = fundBalancesOf(answer.fundBalances);
      if (!balances) return { name: 'Acmt.010.01', ...serial, body: { Rst: result(SYSTEM_ERROR, 'the fund ledger balance is not known here') } };
      return { name: 'Acmt.010.01', ...serial, body: { Rst, ...echoedAccounts(request), ScBal: balances, Ccy: request.currency } };
    }
    case 'Acmt.003.01':
      return { name: 'Acmt.004.01', ...serial, body: { Rst, ...echoedAccounts(request), Ccy: request.currency } };
    case 'Acmt.005.01':
      return { name: 'Acmt.006.01', ...serial, body: { Rst, ...echoedAccounts(request) } };
    case 'Acmt.007.01': {
      // §5.10.4 e: the reply shows the accounts after the change — the new bank account once it is made, the old one
      // still linked when refused.
      const after = isSuccess(answer.returnCode) && request.newBankAccountNo !== undefined ? { ...request, bankAccountNo: request.newBankAccountNo } : request;
      return { name: 'Acmt.008.01', ...serial, body: { Rst, ...echoedAccounts(after), Ccy: request.currency } };
    }
    case 'Trf.001.01':
      return { name: 'Trf.002.01', ...serial, body: { Rst, ...echoedAccounts(request), Ccy: request.currency, ...amount } };
    case 'Trf.003.01':
      return {
        name: 'Trf.004.01',
        ...serial,
        body: { Rst, ...(request.cancelledRef ? { CnRef: request.cancelledRef } : {}), ...echoedAccounts(request), Ccy: request.currency, ...amount },
      };
    case 'Trf.005.01': {
      const original = answer.originalReturnCode;
      if (isSuccess(answer.returnCode) && original === undefined) {
        return { name: 'Trf.006.01', ...serial, body: { Rst: result(SYSTEM_ERROR, 'the original result is not known here') } };
      }
      const booked = answer.queriedOriginal;
      return {
        name: 'Trf.006.01',
        ...serial,
        body: {
          Rst,
          ...queryRefs(request.queriedRef, booked, brokerInstId),
          ...(original === undefined ? {} : { OrgRst: result(original, describeReturnCode(original)?.zh ?? '') }),
          ...echoedAccounts(request, booked),
          Ccy: booked?.currency ?? request.currency,
          ...(booked ? { TrfAmt: booked.amount } : amount),
        },
      };
    }
  }
}
