import {
  ACCOUNT_STATUS,
  ACCOUNT_TYPE,
  CERTIFICATION_TYPES,
  ClearPin,
  INSTRUCTION_CODES,
  PASSWORD_TYPE,
  PinBlockError,
  passwordComponent,
  type Account,
  type AccountStatus,
  type CertificationType,
  type Customer,
  type PasswordType,
  type RequestDraft,
  type TransferSummary,
} from '@custody/bank-protocol';
import type { SealedSecret, TransferSummary as SummaryFigures } from '@custody/contracts';
import { compactDate } from '@custody/service-kit';
import { AmountFormatError, type Currency, type Money } from '@custody/money';
import type { BankCall } from './bank-call.types';

/** Opens sealed passwords and ID numbers; `SecretSealer` in production. */
export interface SecretOpener {
  open(secret: SealedSecret): string;
}

/**
 * The call cannot become a protocol message (missing or malformed input). Nothing is sent; the
 * completion is NOT_SENT with this reason. The message never quotes a secret.
 */
export class CallMappingError extends Error {}

export type CallRequestName =
  | 'Acmt.001.01'
  | 'Acmt.003.01'
  | 'Acmt.005.01'
  | 'Acmt.007.01'
  | 'Acmt.009.01'
  | 'Trf.001.01'
  | 'Trf.003.01'
  | 'Trf.005.01'
  | 'Stmt.001.01'
  | 'Stmt.005.01'
  | 'Stmt.007.01';
export type CallRequestDraft = RequestDraft<CallRequestName>;

/**
 * A call checked and with its secrets opened, ready to be turned into a message once a session (and
 * so its PIN key) is chosen. Clear PINs stay inside `ClearPin`, which never prints itself.
 */
export type PreparedCall =
  | {
      readonly kind: 'DESIGNATE';
      readonly serialNo: string;
      readonly customer: Customer;
      readonly bankAccountNo: string;
      readonly bankPin: ClearPin;
      readonly fundAccountNo: string;
      readonly currency: Currency;
      readonly openingBalance?: Money;
    }
  | {
      /** F-3.1 (11002): no bank account yet; the bank replies with the custody account it opened. */
      readonly kind: 'PRE_DESIGNATE';
      readonly serialNo: string;
      readonly customer: Customer;
      readonly fundAccountNo: string;
      readonly currency: Currency;
      readonly openingBalance: Money;
    }
  | {
      /** F-3.10 (11009): the customer's bank password travels as `Type` 0 (查询) in `BkAcct` (profile §4.1). */
      readonly kind: 'BANK_BALANCE_QUERY';
      readonly serialNo: string;
      readonly bankAccountNo: string;
      readonly bankPin: ClearPin;
      readonly fundAccountNo: string;
      readonly currency: Currency;
    }
  | {
      /**
       * F-3.4 S (11006): the old account in `BkAcct`, with the customer's bank password for it when given (profile
       * §4.1: optional, `Type` 1), the new one in `NewBkAcct`, and the customer (§5.9.4 c).
       */
      readonly kind: 'BANK_ACCOUNT_CHANGE';
      readonly serialNo: string;
      readonly customer: Customer;
      readonly oldBankAccountNo: string;
      readonly newBankAccountNo: string;
      readonly bankPin?: ClearPin;
      readonly fundAccountNo: string;
      readonly currency: Currency;
    }
  | {
      /** F-3.11 (11007): the customer as the broker records them, for the bank to compare with the account's holder. */
      readonly kind: 'IDENTITY_CHECK';
      readonly serialNo: string;
      readonly customer: Customer;
      readonly bankAccountNo: string;
      readonly fundAccountNo: string;
      readonly currency: Currency;
    }
  | {
      /** F-3.5 S (11005): the customer's new data in `Cust` (§5.7.4 c), for every currency of the fund account. */
      readonly kind: 'CUSTOMER_DATA_CHANGE';
      readonly serialNo: string;
      readonly customer: Customer;
      readonly fundAccountNo: string;
    }
  | {
      /** 11011 S: the new status (§7.12) travels in our own account's `Status`, `ScAcct` (profile §4.1). */
      readonly kind: 'STATUS_CHANGE';
      readonly serialNo: string;
      readonly bankAccountNo: string;
      readonly fundAccountNo: string;
      readonly accountStatus: AccountStatus;
    }
  | {
      /**
       * F-3.8 (11004): `ScBal` is the balance leaving the custody account (0.00 for a cancellation); no bank account for
       * a pre-designated relationship (profile §4.1), no password.
       */
      readonly kind: 'CUSTODY_CANCELLATION';
      readonly serialNo: string;
      readonly customer: Customer;
      readonly bankAccountNo?: string;
      readonly fundAccountNo: string;
      readonly currency: Currency;
      readonly balanceLeaving: Money;
    }
  | {
      readonly kind: 'TRANSFER';
      readonly instrCd: typeof INSTRUCTION_CODES.BANK_TO_SECURITIES | typeof INSTRUCTION_CODES.SECURITIES_TO_BANK;
      readonly serialNo: string;
      readonly resend: boolean;
      readonly amount: Money;
      readonly bankAccountNo: string;
      readonly bankPin?: ClearPin;
      readonly fundAccountNo: string;
      readonly currency: Currency;
    }
  | {
      readonly kind: 'REVERSAL';
      readonly instrCd: typeof INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES | typeof INSTRUCTION_CODES.REVERSE_SECURITIES_TO_BANK;
      readonly serialNo: string;
      readonly cancelledSerialNo: string;
      readonly amount: Money;
      readonly bankAccountNo: string;
      readonly fundAccountNo: string;
      readonly currency: Currency;
    }
  | {
      readonly kind: 'QUERY';
      readonly serialNo: string;
      readonly queriedSerialNo: string;
      readonly fundAccountNo: string;
      readonly bankAccountNo?: string;
      readonly currency: Currency;
    }
  | {
      /** bank-protocol.md §7: 13012 opens the bank's day of `businessDate`, 13011 ends it. */
      readonly kind: 'DAY_START' | 'DAY_END';
      readonly serialNo: string;
      readonly businessDate: string;
    }
  | {
      /** bank-protocol.md §7 step 4: 13010, the broker's figures of its snapshot of D. */
      readonly kind: 'SUMMARY_CHECK';
      readonly serialNo: string;
      readonly summary: TransferSummary;
    };

/** JR/T 0046 §7.10: INVE individual, INVI institution. */
const CUSTOMER_TYPE = { INDIVIDUAL: 'INVE', INSTITUTION: 'INVI' } as const;

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw new CallMappingError(`${what} is missing`);
  return value;
}

/** The call's amount holds what the function asks of it (a transfer's is positive, a balance not negative). */
function amountOf(amount: Money, sign: 'positive' | 'non-negative', what: string): Money {
  try {
    return amount.checked(sign);
  } catch (error) {
    if (error instanceof AmountFormatError) throw new CallMappingError(`${what} is not a valid amount (${error.defect})`);
    throw error;
  }
}

/** Profile §2: the PIN block's account field needs an all-digit account number. */
function digitsOnly(accountNo: string, what: string): string {
  if (!/^[0-9]{1,35}$/.test(accountNo)) throw new CallMappingError(`${what} must be digits to carry a password`);
  return accountNo;
}

function pinOf(secrets: SecretOpener, sealed: SealedSecret, what: string): ClearPin {
  let clear: string;
  try {
    clear = secrets.open(sealed);
  } catch {
    throw new CallMappingError(`${what} cannot be unsealed`);
  }
  try {
    return ClearPin.of(clear);
  } catch (error) {
    if (error instanceof PinBlockError) throw new CallMappingError(`${what} is not 4 to 12 digits`);
    throw error;
  }
}

function isCertificationType(value: string): value is CertificationType {
  return (CERTIFICATION_TYPES as readonly string[]).includes(value);
}

function customerOf(call: BankCall, secrets: SecretOpener): Customer {
  const customer = required(call.customer, 'customer');
  if (!isCertificationType(customer.idType)) throw new CallMappingError(`idType ${customer.idType} is not a JR/T 0046 §7.9 code`);
  let certId: string;
  try {
    certId = secrets.open(customer.idNumber);
  } catch {
    throw new CallMappingError('customer idNumber cannot be unsealed');
  }
  // Checked here so that no encoder error about the field can ever be built around its value.
  if (certId.length < 1 || certId.length > 35) throw new CallMappingError('customer idNumber must have 1 to 35 characters');
  return { Name: customer.name, CertType: customer.idType, CertId: certId, Type: CUSTOMER_TYPE[customer.type] };
}

/**
 * §6.5: the customer's contact data as `Cust` carries it (`Mobile`, `Addr`, `Email`), checked against the element's
 * length here so that a value the message cannot carry is never cut: the call is not sent, and says which field.
 */
function contactOf(call: BankCall): Pick<Customer, 'Mobile' | 'Addr' | 'Email'> {
  const fitting = (value: string | undefined, max: number, what: string): string | undefined => {
    if (value !== undefined && [...value].length > max) throw new CallMappingError(`customer ${what} has more than the ${max} characters 11005 carries`);
    return value;
  };
  const mobile = fitting(call.customer?.phone, 35, 'phone');
  const addr = fitting(call.customer?.address, 70, 'address');
  const email = fitting(call.customer?.email, 70, 'email');
  return { ...(mobile ? { Mobile: mobile } : {}), ...(addr ? { Addr: addr } : {}), ...(email ? { Email: email } : {}) };
}

/** Checks a call and opens its secrets; throws `CallMappingError` when it cannot be sent as asked. */
export function prepareCall(call: BankCall, secrets: SecretOpener): PreparedCall {
  switch (call.function) {
    case 'DESIGNATE': {
      const bankAccountNo = digitsOnly(required(call.bankAccountNo, 'bankAccountNo'), 'bankAccountNo');
      return {
        kind: 'DESIGNATE',
        serialNo: call.serialNo,
        customer: customerOf(call, secrets),
        bankAccountNo,
        bankPin: pinOf(secrets, required(call.bankPassword, 'bankPassword'), 'bankPassword'),
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
        currency: required(call.currency, 'currency'),
        openingBalance: call.openingBalance === undefined ? undefined : amountOf(call.openingBalance, 'non-negative', 'openingBalance'),
      };
    }
    case 'PRE_DESIGNATE':
      // Profile §4.1: 11002 carries the opening balance (required) and no bank account.
      return {
        kind: 'PRE_DESIGNATE',
        serialNo: call.serialNo,
        customer: customerOf(call, secrets),
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
        currency: required(call.currency, 'currency'),
        openingBalance: amountOf(required(call.openingBalance, 'openingBalance'), 'non-negative', 'openingBalance'),
      };
    case 'QUERY_BANK_BALANCE':
      return {
        kind: 'BANK_BALANCE_QUERY',
        serialNo: call.serialNo,
        bankAccountNo: digitsOnly(required(call.bankAccountNo, 'bankAccountNo'), 'bankAccountNo'),
        bankPin: pinOf(secrets, required(call.bankPassword, 'bankPassword'), 'bankPassword'),
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
        currency: required(call.currency, 'currency'),
      };
    case 'CANCEL_DESIGNATION':
      return {
        kind: 'CUSTODY_CANCELLATION',
        serialNo: call.serialNo,
        customer: customerOf(call, secrets),
        bankAccountNo: call.bankAccountNo,
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
        currency: required(call.currency, 'currency'),
        balanceLeaving: amountOf(required(call.balanceLeaving, 'balanceLeaving'), 'non-negative', 'balanceLeaving'),
      };
    case 'CHANGE_BANK_ACCOUNT': {
      const oldBankAccountNo = required(call.bankAccountNo, 'bankAccountNo');
      return {
        kind: 'BANK_ACCOUNT_CHANGE',
        serialNo: call.serialNo,
        customer: customerOf(call, secrets),
        oldBankAccountNo: call.bankPassword === undefined ? oldBankAccountNo : digitsOnly(oldBankAccountNo, 'bankAccountNo'),
        newBankAccountNo: required(call.newBankAccountNo, 'newBankAccountNo'),
        bankPin: call.bankPassword === undefined ? undefined : pinOf(secrets, call.bankPassword, 'bankPassword'),
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
        currency: required(call.currency, 'currency'),
      };
    }
    case 'CHANGE_CUSTOMER':
      return {
        kind: 'CUSTOMER_DATA_CHANGE',
        serialNo: call.serialNo,
        customer: { ...customerOf(call, secrets), ...contactOf(call) },
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
      };
    case 'BANK_TO_SECURITIES':
    case 'SECURITIES_TO_BANK': {
      const bankAccountNo = required(call.bankAccountNo, 'bankAccountNo');
      return {
        kind: 'TRANSFER',
        instrCd: call.function === 'BANK_TO_SECURITIES' ? INSTRUCTION_CODES.BANK_TO_SECURITIES : INSTRUCTION_CODES.SECURITIES_TO_BANK,
        serialNo: call.serialNo,
        resend: call.resend,
        amount: amountOf(required(call.amount, 'amount'), 'positive', 'amount'),
        bankAccountNo: call.bankPassword === undefined ? bankAccountNo : digitsOnly(bankAccountNo, 'bankAccountNo'),
        bankPin: call.bankPassword === undefined ? undefined : pinOf(secrets, call.bankPassword, 'bankPassword'),
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
        currency: required(call.currency, 'currency'),
      };
    }
    case 'REVERSE_BANK_TO_SECURITIES':
    case 'REVERSE_SECURITIES_TO_BANK':
      return {
        kind: 'REVERSAL',
        instrCd:
          call.function === 'REVERSE_BANK_TO_SECURITIES' ? INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES : INSTRUCTION_CODES.REVERSE_SECURITIES_TO_BANK,
        serialNo: call.serialNo,
        cancelledSerialNo: required(call.cancelledSerialNo, 'cancelledSerialNo'),
        amount: amountOf(required(call.amount, 'amount'), 'positive', 'amount'),
        bankAccountNo: required(call.bankAccountNo, 'bankAccountNo'),
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
        currency: required(call.currency, 'currency'),
      };
    case 'DAY_START':
    case 'DAY_END':
      return { kind: call.function, serialNo: call.serialNo, businessDate: call.businessDate };
    case 'SUMMARY_CHECK':
      return { kind: 'SUMMARY_CHECK', serialNo: call.serialNo, summary: summaryStatement(required(call.summary, 'summary')) };
    case 'QUERY_RESULT':
      return {
        kind: 'QUERY',
        serialNo: call.serialNo,
        queriedSerialNo: required(call.queriedSerialNo, 'queriedSerialNo'),
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
        bankAccountNo: call.bankAccountNo,
        currency: required(call.currency, 'currency'),
      };
    case 'CONFIRM_DESIGNATION':
      // bank-protocol.md §4: only a bank starts 11003; a call asking for one is a fault upstream, never sent.
      throw new CallMappingError('11003 (confirm designation) is started only by a bank');
    case 'QUERY_FUND_BALANCE':
      // bank-protocol.md §4: 11008 is the bank's question to us; the broker reads its own ledger.
      throw new CallMappingError('11008 (fund ledger balance query) is started only by a bank');
    case 'CHECK_IDENTITY':
      // No password: the customer need not be present (profile §4.1 asks one only where they are).
      return {
        kind: 'IDENTITY_CHECK',
        serialNo: call.serialNo,
        customer: customerOf(call, secrets),
        bankAccountNo: required(call.bankAccountNo, 'bankAccountNo'),
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
        currency: required(call.currency, 'currency'),
      };
    case 'REGISTER_CURRENCY':
      // bank-protocol.md §4: only a bank starts 11010 (登记币种信息由银行发起, §5.3.4 b).
      throw new CallMappingError('11010 (register another currency) is started only by a bank');
    case 'CHANGE_ACCOUNT_STATUS':
      return {
        kind: 'STATUS_CHANGE',
        serialNo: call.serialNo,
        bankAccountNo: required(call.bankAccountNo, 'bankAccountNo'),
        fundAccountNo: required(call.fundAccountNo, 'fundAccountNo'),
        accountStatus: ACCOUNT_STATUS[required(call.accountStatus, 'accountStatus')],
      };
  }
}

/**
 * Profile §7 step 4: `DpstAmt` = Σ 12001 − Σ 12003 and `WtdrAmt` = Σ 12002 − Σ 12004. The standard's
 * `Amount` has no sign, and a reversal of D only undoes an original of D (after 13011 nothing of D is
 * reversed), so a negative figure cannot be a snapshot's: it is refused rather than sent with its sign cut.
 */
function summaryStatement(figures: SummaryFigures): TransferSummary {
  return {
    DpstNum: figures.depositCount,
    DpstAmt: amountOf(figures.depositAmount, 'non-negative', 'summary.depositAmount'),
    WtdrNum: figures.withdrawalCount,
    WtdrAmt: amountOf(figures.withdrawalAmount, 'non-negative', 'summary.withdrawalAmount'),
  };
}

function fundAccount(fundAccountNo: string): Account {
  return { Id: fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT };
}

function bankAccount(bankAccountNo: string, pinKey: Buffer, pin: ClearPin | undefined, passwordType: PasswordType = PASSWORD_TYPE.WITHDRAWAL): Account {
  // Profile §2: password Type 1 (取款) wherever it authorises moving money or a relationship; §4.1: Type 0 (查询) on a query.
  const pwd = pin === undefined ? undefined : [passwordComponent(pinKey, pin, bankAccountNo, passwordType)];
  return { Id: bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT, ...(pwd ? { Pwd: pwd } : {}) };
}

/**
 * The protocol message for a prepared call on a session whose PIN key is `pinKey`. The serial is the
 * saga's (a re-send keeps the original's, profile §4 F-4.5); the queried and the cancelled `Ref` name the
 * broker as their issuer because we only ever query or reverse securities-initiated serials.
 */
export function callToMessage(prepared: PreparedCall, pinKey: Buffer, brokerInstId: string): CallRequestDraft {
  switch (prepared.kind) {
    case 'DESIGNATE':
      return {
        name: 'Acmt.001.01',
        instrCd: INSTRUCTION_CODES.DESIGNATE,
        serial: prepared.serialNo,
        body: {
          Cust: prepared.customer,
          BkAcct: bankAccount(prepared.bankAccountNo, pinKey, prepared.bankPin),
          ScAcct: fundAccount(prepared.fundAccountNo),
          Ccy: prepared.currency,
          ...(prepared.openingBalance ? { ScBal: { Type: '0' as const, Bal: prepared.openingBalance } } : {}),
          Dgst: '指定存管',
        },
      };
    case 'PRE_DESIGNATE':
      return {
        name: 'Acmt.001.01',
        instrCd: INSTRUCTION_CODES.PRE_DESIGNATE,
        serial: prepared.serialNo,
        body: {
          Cust: prepared.customer,
          ScAcct: fundAccount(prepared.fundAccountNo),
          Ccy: prepared.currency,
          ScBal: { Type: '0' as const, Bal: prepared.openingBalance },
          Dgst: '预指定存管',
        },
      };
    case 'BANK_BALANCE_QUERY':
      return {
        name: 'Acmt.009.01',
        instrCd: INSTRUCTION_CODES.QUERY_BANK_BALANCE,
        serial: prepared.serialNo,
        body: {
          BkAcct: bankAccount(prepared.bankAccountNo, pinKey, prepared.bankPin, PASSWORD_TYPE.QUERY),
          ScAcct: fundAccount(prepared.fundAccountNo),
          Ccy: prepared.currency,
          Dgst: '查询银行余额',
        },
      };
    case 'CUSTODY_CANCELLATION':
      return {
        name: 'Acmt.003.01',
        instrCd: INSTRUCTION_CODES.CANCEL_DESIGNATION,
        serial: prepared.serialNo,
        body: {
          Cust: prepared.customer,
          ...(prepared.bankAccountNo ? { BkAcct: bankAccount(prepared.bankAccountNo, pinKey, undefined) } : {}),
          ScAcct: fundAccount(prepared.fundAccountNo),
          Ccy: prepared.currency,
          ScBal: { Type: '0' as const, Bal: prepared.balanceLeaving },
          Dgst: '撤销存管',
        },
      };
    case 'BANK_ACCOUNT_CHANGE':
      return {
        name: 'Acmt.007.01',
        instrCd: INSTRUCTION_CODES.CHANGE_BANK_ACCOUNT,
        serial: prepared.serialNo,
        body: {
          Cust: prepared.customer,
          BkAcct: bankAccount(prepared.oldBankAccountNo, pinKey, prepared.bankPin),
          NewBkAcct: { Id: prepared.newBankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
          ScAcct: fundAccount(prepared.fundAccountNo),
          Ccy: prepared.currency,
          Dgst: '变更银行结算账户',
        },
      };
    case 'CUSTOMER_DATA_CHANGE':
      return {
        name: 'Acmt.005.01',
        instrCd: INSTRUCTION_CODES.CHANGE_CUSTOMER,
        serial: prepared.serialNo,
        body: { Cust: prepared.customer, ScAcct: fundAccount(prepared.fundAccountNo), Dgst: '变更客户资料' },
      };
    case 'IDENTITY_CHECK':
      // §5.11.4 d, e: the customer's name, ID type and number, and both accounts.
      return {
        name: 'Acmt.009.01',
        instrCd: INSTRUCTION_CODES.IDENTITY_CHECK,
        serial: prepared.serialNo,
        body: {
          Cust: prepared.customer,
          BkAcct: bankAccount(prepared.bankAccountNo, pinKey, undefined),
          ScAcct: fundAccount(prepared.fundAccountNo),
          Ccy: prepared.currency,
          Dgst: '客户身份验证',
        },
      };
    case 'STATUS_CHANGE':
      // Acmt.005.01 names no currency: the status is the fund account's at the bank, every currency (profile §4.1).
      return {
        name: 'Acmt.005.01',
        instrCd: INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS,
        serial: prepared.serialNo,
        body: {
          BkAcct: bankAccount(prepared.bankAccountNo, pinKey, undefined),
          ScAcct: { ...fundAccount(prepared.fundAccountNo), Status: prepared.accountStatus },
          Dgst: '修改账户状态',
        },
      };
    case 'TRANSFER':
      return {
        name: 'Trf.001.01',
        instrCd: prepared.instrCd,
        serial: prepared.serialNo,
        body: {
          ...(prepared.resend ? { Resend: 'Y' as const } : {}),
          BkAcct: bankAccount(prepared.bankAccountNo, pinKey, prepared.bankPin),
          ScAcct: fundAccount(prepared.fundAccountNo),
          Ccy: prepared.currency,
          TrfAmt: prepared.amount,
          Dgst: prepared.instrCd === INSTRUCTION_CODES.BANK_TO_SECURITIES ? '银行转证券' : '证券转银行',
        },
      };
    case 'REVERSAL':
      // §5.15.4 e, h: the accounts and the amount travel so the bank can check them against the original.
      return {
        name: 'Trf.003.01',
        instrCd: prepared.instrCd,
        serial: prepared.serialNo,
        body: {
          CnRef: { Ref: prepared.cancelledSerialNo, IssrType: 'S', RefIssr: brokerInstId },
          BkAcct: bankAccount(prepared.bankAccountNo, pinKey, undefined),
          ScAcct: fundAccount(prepared.fundAccountNo),
          Ccy: prepared.currency,
          TrfAmt: prepared.amount,
          Dgst: prepared.instrCd === INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES ? '银行转证券冲正' : '证券转银行冲正',
        },
      };
    case 'DAY_START':
      return { name: 'Stmt.007.01', instrCd: INSTRUCTION_CODES.DAY_BUSINESS_START, serial: prepared.serialNo, body: { BusiDate: compactDate(prepared.businessDate), Dgst: '日间业务开始' } };
    case 'DAY_END':
      return { name: 'Stmt.005.01', instrCd: INSTRUCTION_CODES.DAY_BUSINESS_END, serial: prepared.serialNo, body: { Dgst: '日间业务结束' } };
    case 'SUMMARY_CHECK':
      // Profile §7 step 4: RecNum 1 and exactly one TrfSumStamt.
      return {
        name: 'Stmt.001.01',
        instrCd: INSTRUCTION_CODES.RECONCILE_TRANSFER_SUMMARY,
        serial: prepared.serialNo,
        body: { RecNum: 1, TrfSumStamt: [prepared.summary], Dgst: '转账汇总对账' },
      };
    case 'QUERY':
      return {
        name: 'Trf.005.01',
        instrCd: INSTRUCTION_CODES.QUERY_RESULT,
        serial: prepared.serialNo,
        body: {
          QryRef: { Ref: prepared.queriedSerialNo, IssrType: 'S', RefIssr: brokerInstId },
          ...(prepared.bankAccountNo ? { BkAcct: bankAccount(prepared.bankAccountNo, pinKey, undefined) } : {}),
          ScAcct: fundAccount(prepared.fundAccountNo),
          Ccy: prepared.currency,
          Dgst: '交易结果查询',
        },
      };
  }
}
