import {
  ACCOUNT_STATUS,
  ACCOUNT_TYPE,
  BALANCE_TYPE,
  type Account,
  BankProtocolError,
  type BusinessRequestName,
  CERTIFICATION_TYPES,
  type CertificationType,
  type ClearPin,
  ConnectionClosedError,
  INSTRUCTION_CODES,
  isSuccess,
  PASSWORD_TYPE,
  passwordComponent,
  type ProtocolConnection,
  type ProtocolMessage,
  type ReplyNameOf,
  type RequestDraft,
  ReplyTimeoutError,
  UnexpectedReplyError,
} from '@custody/bank-protocol';
import { type Currency, Money } from '@custody/money';
import type { BankBooks } from '../books/bank-books';
import { BANK_RETURN_CODES as RC } from '../books/bank-return-codes';
import type {
  BankAccountChangeInput,
  BankInitiatedTransferInput,
  CounterCancellationInput,
  CustodyAccountState,
  CustomerChangeInput,
  CustomerIdentity,
  TransactionRecord,
  TransactionRef,
  TransactionStatus,
} from '../books/book-records';
import { SimulatorError } from '../simulator-error';
import type { SimulatorLogger } from '../simulator-logger';
import type { BrokerSessions } from './broker-sessions';
import type { FaultPlan } from './fault-plan';

export interface BankInitiatedResult {
  readonly serialNo: string;
  readonly status: TransactionStatus;
  /** The broker's answer; absent when none came (UNKNOWN). */
  readonly returnCode?: string;
}

export interface BankInitiatedReversalResult extends BankInitiatedResult {
  /** The original the reversal names in `CnRef`, and its state at the bank afterwards. */
  readonly reversedSerialNo: string;
  readonly originalStatus: TransactionStatus;
}

/** F-3.3 B / 11010 B: on 0000 the opening balance the broker gave (`ScBal`), which the custody account opened with. */
export interface BankOpeningResult extends BankInitiatedResult {
  readonly openingBalance?: string;
}

/** F-3.3 B: the customer at the counter designates this bank for a fund account, with their bank account and fund password. */
export interface BankDesignationInput {
  readonly bankAccountNo: string;
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly fundPassword?: ClearPin;
}

/** F-4.6 B: the broker's `Rst` (did the query work) and `OrgRst` (the original's result); UNKNOWN when no reply came. */
export interface BrokerQueryResult {
  readonly serialNo: string;
  readonly status: 'ANSWERED' | 'UNKNOWN';
  readonly returnCode?: string;
  readonly originalReturnCode?: string;
  readonly brokerSerialNo?: string;
}

/** F-3.9 B: the broker's `Rst` and, on 0000, its `ScBal` of Type 0, 1 and 2 (profile §4.1); UNKNOWN when no reply came. */
export interface BrokerFundBalanceResult {
  readonly serialNo: string;
  readonly status: 'ANSWERED' | 'UNKNOWN';
  readonly returnCode?: string;
  readonly balances?: { readonly balance?: string; readonly available?: string; readonly withdrawable?: string };
}

/** F-3.9 B: the fund account the customer asks about at the counter, with the fund password they typed. */
export interface FundBalanceQueryInput {
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly fundPassword?: ClearPin;
  /** A serial used before, to ask again under it; a new one otherwise. */
  readonly serialNo?: string;
}

/**
 * F-3.11 B: the customer at the counter, as the bank read them off their ID document, names the fund account to check;
 * with their bank account where they brought it, and the fund password where they typed it.
 */
export interface IdentityCheckInput {
  readonly fundAccountNo: string;
  readonly currency: Currency;
  readonly name: string;
  readonly idType: CertificationType;
  readonly idNumber: string;
  readonly bankAccountNo?: string;
  readonly fundPassword?: ClearPin;
  /** A serial used before, to ask again under it; a new one otherwise. */
  readonly serialNo?: string;
}

/** F-3.11 B: the broker's `Rst` (0000: the customer is theirs as presented); UNKNOWN when no reply came. */
export interface BrokerIdentityCheckResult {
  readonly serialNo: string;
  readonly status: 'ANSWERED' | 'UNKNOWN';
  readonly returnCode?: string;
}

/** F-4.2 B: the customer types the fund password at the bank's counter; it lives only until the PIN block is built. */
export interface BankInitiatedWithdrawalInput extends BankInitiatedTransferInput {
  readonly fundPassword?: ClearPin;
}

/** How a request fared: answered, certainly not at the broker, or written without a usable reply. */
type Exchange<R> = { readonly kind: 'answered'; readonly reply: R } | { readonly kind: 'unsent' | 'unknown'; readonly detail: string; readonly protocolError?: string };

/** Only a written request can have had an effect at the broker; anything else certainly did not. */
function wasWritten(error: unknown): boolean {
  return error instanceof ReplyTimeoutError || error instanceof UnexpectedReplyError || (error instanceof ConnectionClosedError && error.written);
}

/** §6.5 `Cust` of the bank's record of a customer, with an ID type JR/T 0046 §7.9 lists (the bank opened its accounts with one). */
function custOf(identity: CustomerIdentity, where: string) {
  const certType = CERTIFICATION_TYPES.find((type) => type === identity.idType);
  if (!certType) throw new Error(`${where} has an ID type outside JR/T 0046 §7.9`);
  return { Name: identity.name, CertType: certType, CertId: identity.idNumber };
}

/** The account functions whose requests the bank may send again (`resendAccountFunction`). */
type ResendableDraft = RequestDraft<'Acmt.003.01'> | RequestDraft<'Acmt.005.01'> | RequestDraft<'Acmt.007.01'>;

/** The functions `resendAccountFunction` sends again: 11004, 11005, 11006. */
type ResendableFunction = typeof INSTRUCTION_CODES.CANCEL_DESIGNATION | typeof INSTRUCTION_CODES.CHANGE_CUSTOMER | typeof INSTRUCTION_CODES.CHANGE_BANK_ACCOUNT;

function resultOf(record: TransactionRecord): BankInitiatedResult {
  return record.status === 'UNKNOWN' ? { serialNo: record.ref.serial, status: record.status } : { serialNo: record.ref.serial, status: record.status, returnCode: record.returnCode };
}

/**
 * The bank as initiator (domain.md §4 "B"): the customer at the bank's counter, and the bank ending its
 * own UNKNOWNs. F-4.1 B moves the bank's money first and undoes it on a refusal; F-4.2 B moves it only
 * once the broker has debited the ledger; F-4.3 B / F-4.4 B reverse either by its bank serial; F-4.5
 * re-sends one with `Resend`=`Y`; F-4.6 asks the broker for a serial's result. The books decide what
 * each answer does to the bank's side; this service only talks to the broker.
 */
export class BankInitiatedTransfers {
  /** What the bank sent for each 11004, 11005 and 11006 it started, to send again under the same serial (in memory, as the books). */
  private readonly accountFunctionDrafts = new Map<string, ResendableDraft>();

  constructor(
    private readonly books: BankBooks,
    private readonly sessions: BrokerSessions,
    private readonly faults: FaultPlan,
    private readonly requestTimeoutMs: number,
    private readonly log: SimulatorLogger,
  ) {}

  /**
   * F-3.2 B (11003): the bank checked the customer's bank account and the pre-designation (`beginConfirmation`) and
   * asks the broker, naming the account's holder as `Cust` and no password (profile §4.1). On 0000 the custody
   * account is linked to the bank account; anything else, or no answer, leaves it pre-designated (an unanswered
   * account function is not applied by the bank: profile §4.1, the day's CHK03 settles it).
   */
  async confirmDesignation(input: { readonly fundAccountNo: string; readonly currency: Currency; readonly bankAccountNo: string }): Promise<BankInitiatedResult> {
    const connection = this.connection();
    const record = this.started(this.books.beginConfirmation(input));
    const holder = this.books.holderOf(input.bankAccountNo);
    if (!holder) throw new Error(`bank account ${input.bankAccountNo} lost its holder`);
    const outcome = await this.exchange(connection, {
      name: 'Acmt.001.01',
      instrCd: INSTRUCTION_CODES.CONFIRM_DESIGNATION,
      serial: record.ref.serial,
      body: {
        Cust: custOf(holder, `bank account ${input.bankAccountNo}`),
        BkAcct: { Id: input.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
        ScAcct: { Id: input.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT },
        Ccy: input.currency,
      },
    });
    const answer =
      outcome.kind === 'answered'
        ? { returnCode: this.codeOf(outcome.reply.body.Rst.Code), info: outcome.reply.body.Rst.Info, counterpartSerial: outcome.reply.body.MsgHdr.Ref.Ref }
        : { returnCode: RC.SEND_TO_BROKER_FAILED, info: `no definite reply: ${outcome.detail}`.slice(0, 128) };
    const settled = this.books.settleConfirmation(record.ref, answer);
    this.log.info({ serial: record.ref.serial, instrCd: record.instrCd, status: settled.status, returnCode: settled.returnCode, outcome: outcome.kind }, 'bank-initiated confirmation answered');
    return resultOf(settled);
  }

  /**
   * F-3.3 B (11001): the bank checked the customer's bank account and that the fund account has no custody here
   * (`beginDesignation`) and asks the broker, naming the account's holder as `Cust`, the bank account, and the fund
   * account with the fund password the customer typed as a PIN block (`Pwd` Type 1, profile §4.1). On 0000 the custody
   * account opens with the broker's `ScBal`; anything else, or no answer, opens nothing.
   */
  async designate(input: BankDesignationInput): Promise<BankOpeningResult> {
    const connection = this.connection();
    const pinKey = this.pinKeyFor(connection, input.fundPassword, input.fundAccountNo);
    const record = this.started(this.books.beginDesignation(input));
    return this.sendOpening(connection, record, this.fundAccountOf(input.fundAccountNo, input.fundPassword, pinKey));
  }

  /**
   * 11010 B: the bank adds another currency to the fund account's relationship here (`beginCurrencyRegistration`),
   * naming the holder and the linked bank account, no password. On 0000 the custody account of that currency opens
   * with the broker's `ScBal`.
   */
  async registerCurrency(input: { readonly fundAccountNo: string; readonly currency: Currency }): Promise<BankOpeningResult> {
    const connection = this.connection();
    const record = this.started(this.books.beginCurrencyRegistration(input));
    return this.sendOpening(connection, record, this.fundAccountOf(input.fundAccountNo, undefined, undefined));
  }

  /**
   * The bank asks again under the serial of an 11001 or 11010 it settled (as after a reply it never got): the same
   * request, the fund password typed again for an 11001 (the bank keeps none). The broker answers a serial it processed
   * with its first answer (bank-protocol.md §4); the books stay as they are. The result is the bank's record with the
   * broker's answer to this request, `openingBalance` its `ScBal`.
   */
  async resendOpening(serialNo: string, instrCd: typeof INSTRUCTION_CODES.DESIGNATE | typeof INSTRUCTION_CODES.REGISTER_CURRENCY, fundPassword?: ClearPin): Promise<BankOpeningResult> {
    const connection = this.connection();
    const record = this.books.transaction(this.ownRef(serialNo));
    if (!record || record.instrCd !== instrCd || record.fundAccountNo === undefined) throw new SimulatorError('NOT_FOUND', `no bank-initiated ${instrCd} ${serialNo}`);
    if (record.status === 'PENDING') throw new SimulatorError('WRONG_STATE', `${instrCd} ${serialNo} is still waiting for the broker`);
    const pinKey = this.pinKeyFor(connection, fundPassword, record.fundAccountNo);
    const outcome = await this.exchange(connection, this.openingDraft(record, this.fundAccountOf(record.fundAccountNo, fundPassword, pinKey)));
    if (outcome.kind !== 'answered') {
      this.log.warn({ serial: serialNo, instrCd, error: outcome.detail }, 'opening re-sent without a definite reply; books unchanged');
      return { serialNo, status: record.status };
    }
    const { Rst, ScBal } = outcome.reply.body;
    const returnCode = this.codeOf(Rst.Code);
    this.log.info({ serial: serialNo, instrCd, status: record.status, returnCode }, 'settled opening re-sent; books unchanged');
    return { serialNo, status: record.status, returnCode, ...(ScBal ? { openingBalance: ScBal.Bal.toString() } : {}) };
  }

  private async sendOpening(connection: ProtocolConnection, record: TransactionRecord, fundAccount: Account): Promise<BankOpeningResult> {
    const outcome = await this.exchange(connection, this.openingDraft(record, fundAccount));
    const answer =
      outcome.kind === 'answered'
        ? {
            returnCode: this.codeOf(outcome.reply.body.Rst.Code),
            info: outcome.reply.body.Rst.Info,
            counterpartSerial: outcome.reply.body.MsgHdr.Ref.Ref,
            openingBalance: outcome.reply.body.ScBal?.Bal,
          }
        : { returnCode: RC.SEND_TO_BROKER_FAILED, info: `no definite reply: ${outcome.detail}`.slice(0, 128) };
    const settled = this.books.settleOpening(record.ref, answer);
    this.log.info(
      { serial: record.ref.serial, instrCd: record.instrCd, status: settled.status, returnCode: settled.returnCode, openingBalance: settled.amount?.toString(), outcome: outcome.kind },
      'bank-initiated opening answered',
    );
    const result = resultOf(settled);
    return settled.status === 'SUCCEEDED' && settled.amount ? { ...result, openingBalance: settled.amount.toString() } : result;
  }

  /** Acmt.001.01 of an 11001 or 11010 the bank starts: the bank account's holder as `Cust`, the bank account, `ScAcct`, `Ccy`. */
  private openingDraft(record: TransactionRecord, fundAccount: Account): RequestDraft<'Acmt.001.01'> {
    const { bankAccountNo, currency } = record;
    if (bankAccountNo === undefined || currency === undefined) throw new Error(`bank-initiated ${record.instrCd} ${record.ref.serial} lost its bank account`);
    const holder = this.books.holderOf(bankAccountNo);
    if (!holder) throw new Error(`bank account ${bankAccountNo} lost its holder`);
    const certType = CERTIFICATION_TYPES.find((type) => type === holder.idType);
    if (!certType) throw new Error(`bank account ${bankAccountNo} has an ID type outside JR/T 0046 §7.9`);
    return {
      name: 'Acmt.001.01',
      instrCd: record.instrCd === INSTRUCTION_CODES.REGISTER_CURRENCY ? INSTRUCTION_CODES.REGISTER_CURRENCY : INSTRUCTION_CODES.DESIGNATE,
      serial: record.ref.serial,
      body: {
        Cust: { Name: holder.name, CertType: certType, CertId: holder.idNumber },
        BkAcct: { Id: bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
        ScAcct: fundAccount,
        Ccy: currency,
      },
    };
  }

  /** `ScAcct` of an opening: with the fund password the customer typed as a PIN block (`Pwd` Type 1, profile §4.1), if any. */
  private fundAccountOf(fundAccountNo: string, fundPassword: ClearPin | undefined, pinKey: Buffer | undefined): Account {
    return {
      Id: fundAccountNo,
      Type: ACCOUNT_TYPE.FUND_ACCOUNT,
      Pwd: fundPassword && pinKey ? [passwordComponent(pinKey, fundPassword, fundAccountNo, PASSWORD_TYPE.WITHDRAWAL)] : undefined,
    };
  }

  /**
   * 11011 B: the bank freezes, reports lost or sets normal again a fund account's custody here, every currency. The
   * new status travels in `BkAcct/Status` (profile §4.1, §7.12); the bank's books take it only on the broker's 0000.
   */
  async changeStatus(input: { readonly fundAccountNo: string; readonly accountState: CustodyAccountState }): Promise<BankInitiatedResult> {
    const connection = this.connection();
    const record = this.started(this.books.beginStatusChange(input));
    const bankAccountNo = record.bankAccountNo;
    if (bankAccountNo === undefined) throw new Error(`custody of ${input.fundAccountNo} is linked without a bank account`);
    const outcome = await this.exchange(connection, {
      name: 'Acmt.005.01',
      instrCd: INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS,
      serial: record.ref.serial,
      body: {
        BkAcct: { Id: bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT, Status: ACCOUNT_STATUS[input.accountState] },
        ScAcct: { Id: input.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT },
      },
    });
    const answer =
      outcome.kind === 'answered'
        ? { returnCode: this.codeOf(outcome.reply.body.Rst.Code), info: outcome.reply.body.Rst.Info, counterpartSerial: outcome.reply.body.MsgHdr.Ref.Ref }
        : { returnCode: RC.SEND_TO_BROKER_FAILED, info: `no definite reply: ${outcome.detail}`.slice(0, 128) };
    const settled = this.books.settleStatusChange(record.ref, input.accountState, answer);
    this.log.info({ serial: record.ref.serial, instrCd: record.instrCd, accountState: input.accountState, status: settled.status, returnCode: settled.returnCode, outcome: outcome.kind }, 'bank-initiated status change answered');
    return resultOf(settled);
  }

  /**
   * F-3.4 B (11006): the customer brings their old and new bank account to the counter. The bank checks both
   * (`beginBankAccountChange`) and asks the broker with `Cust` (the new account's holder, for the broker to check it
   * is its customer: profile §4.1), `BkAcct` (old), `NewBkAcct`, `ScAcct` and `Ccy`; the bank password of profile
   * §4.1 is optional and this bank checks its customer at the counter instead. On 0000 the custody account takes the
   * new account (transfers go there; CHK02/CHK03 list it); anything else, or no answer, leaves the old one.
   */
  async changeBankAccount(input: BankAccountChangeInput): Promise<BankInitiatedResult> {
    const connection = this.connection();
    const record = this.started(this.books.beginBankAccountChange(input));
    const holder = this.books.holderOf(input.newBankAccountNo);
    if (!holder) throw new Error(`bank account ${input.newBankAccountNo} lost its holder`);
    const draft: RequestDraft<'Acmt.007.01'> = {
      name: 'Acmt.007.01',
      instrCd: INSTRUCTION_CODES.CHANGE_BANK_ACCOUNT,
      serial: record.ref.serial,
      body: {
        Cust: custOf(holder, `bank account ${input.newBankAccountNo}`),
        BkAcct: { Id: input.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
        NewBkAcct: { Id: input.newBankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
        ScAcct: { Id: input.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT },
        Ccy: input.currency,
      },
    };
    this.accountFunctionDrafts.set(record.ref.serial, draft);
    const outcome = await this.exchange(connection, draft);
    const settled = this.books.settleBankAccountChange(record.ref, this.accountFunctionAnswer(outcome));
    this.log.info({ serial: record.ref.serial, instrCd: record.instrCd, status: settled.status, returnCode: settled.returnCode, outcome: outcome.kind }, 'bank-initiated bank account change answered');
    return resultOf(settled);
  }

  /**
   * F-3.8 B (11004): the customer cancels the custody of a fund account in one currency at the counter. The bank checks
   * what its counter can (`beginCancellation`) and asks the broker with `Cust` (the customer it served), `BkAcct` (none
   * for a pre-designated relationship), `ScAcct`, `Ccy` and `ScBal` 0.00 (profile §4.1: nothing leaves in a
   * cancellation), no password (profile §4.1). On 0000 the custody account closes; anything else, or no answer, leaves
   * it open.
   */
  async cancel(input: CounterCancellationInput): Promise<BankInitiatedResult> {
    const connection = this.connection();
    const record = this.started(this.books.beginCancellation(input));
    const holder = this.books.cancellationHolderOf(record);
    if (!holder) throw new Error(`the cancellation of ${input.fundAccountNo} names no customer the bank holds`);
    const draft: RequestDraft<'Acmt.003.01'> = {
      name: 'Acmt.003.01',
      instrCd: INSTRUCTION_CODES.CANCEL_DESIGNATION,
      serial: record.ref.serial,
      body: {
        Cust: custOf(holder, `the cancellation of ${input.fundAccountNo}`),
        ...(record.bankAccountNo === undefined ? {} : { BkAcct: { Id: record.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT } }),
        ScAcct: { Id: input.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT },
        Ccy: input.currency,
        ScBal: { Type: BALANCE_TYPE.BALANCE, Bal: Money.zero() },
      },
    };
    this.accountFunctionDrafts.set(record.ref.serial, draft);
    const outcome = await this.exchange(connection, draft);
    const settled = this.books.settleCancellation(record.ref, this.accountFunctionAnswer(outcome));
    this.log.info({ serial: record.ref.serial, instrCd: record.instrCd, status: settled.status, returnCode: settled.returnCode, outcome: outcome.kind }, 'bank-initiated cancellation answered');
    return resultOf(settled);
  }

  /**
   * F-3.5 B (11005): the customer changes their data at the counter. The bank tells the broker the full name and ID
   * document (its record where the customer changed nothing) and the contact data given (profile §4.1: `Mobile`,
   * `Addr`, `Email` where changed), every currency of the fund account. On 0000 the bank's record of the customer
   * takes the new name and contact data; a refusal (2009: a new ID document, which the broker's record rules) or no
   * answer leaves it as it was.
   */
  async changeCustomerData(input: CustomerChangeInput): Promise<BankInitiatedResult> {
    const connection = this.connection();
    const record = this.started(this.books.beginCustomerChange(input));
    const current = record.bankAccountNo === undefined ? undefined : this.books.holderOf(record.bankAccountNo);
    if (!current || record.bankAccountNo === undefined) throw new Error(`custody of ${input.fundAccountNo} is linked without a holder`);
    const draft: RequestDraft<'Acmt.005.01'> = {
      name: 'Acmt.005.01',
      instrCd: INSTRUCTION_CODES.CHANGE_CUSTOMER,
      serial: record.ref.serial,
      body: {
        Cust: {
          ...custOf({ name: input.name ?? current.name, idType: input.idType ?? current.idType, idNumber: input.idNumber ?? current.idNumber }, `the change of ${input.fundAccountNo}`),
          ...(input.mobile === undefined ? {} : { Mobile: input.mobile }),
          ...(input.address === undefined ? {} : { Addr: input.address }),
          ...(input.email === undefined ? {} : { Email: input.email }),
        },
        BkAcct: { Id: record.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
        ScAcct: { Id: input.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT },
      },
    };
    this.accountFunctionDrafts.set(record.ref.serial, draft);
    const outcome = await this.exchange(connection, draft);
    const settled = this.books.settleCustomerChange(record.ref, input, this.accountFunctionAnswer(outcome));
    this.log.info({ serial: record.ref.serial, instrCd: record.instrCd, status: settled.status, returnCode: settled.returnCode, outcome: outcome.kind }, 'bank-initiated customer data change answered');
    return resultOf(settled);
  }

  /**
   * The bank asks again, under its serial, an 11004, 11005 or 11006 it sent (as after a reply it never got): the same request.
   * The broker answers a processed serial with its first answer; the books stay as they are (a function whose reply
   * the bank lacked was not applied, profile §4.1, and the day's CHK03 settles it).
   */
  async resendAccountFunction(serialNo: string, instrCd: ResendableFunction): Promise<BankInitiatedResult> {
    const connection = this.connection();
    const draft = this.accountFunctionDrafts.get(serialNo);
    const record = this.books.transaction(this.ownRef(serialNo));
    if (!draft || !record || draft.instrCd !== instrCd) throw new SimulatorError('NOT_FOUND', `no bank-initiated ${instrCd} ${serialNo}`);
    if (record.status === 'PENDING') throw new SimulatorError('WRONG_STATE', `${instrCd} ${serialNo} is still waiting for the broker`);
    const outcome = await this.exchange<'Acmt.003.01' | 'Acmt.005.01' | 'Acmt.007.01'>(connection, draft);
    const returnCode = outcome.kind === 'answered' ? this.codeOf(outcome.reply.body.Rst.Code) : undefined;
    this.log.info({ serial: serialNo, instrCd, status: record.status, returnCode, outcome: outcome.kind }, 'bank-initiated account function asked again; books unchanged');
    return returnCode === undefined ? { serialNo, status: record.status } : { serialNo, status: record.status, returnCode };
  }

  /** F-4.1 B (12001). */
  async bankToSecurities(input: BankInitiatedTransferInput): Promise<BankInitiatedResult> {
    const connection = this.connection();
    return this.sendTransfer(connection, this.started(this.books.beginBankToSecurities(input)), { resend: false });
  }

  /**
   * F-4.2 B (12002): the fund password travels as a PIN block in `ScAcct` (profile §2: the account
   * field is the fund account's, the account the password belongs to). Without one the broker decides.
   */
  async securitiesToBank(input: BankInitiatedWithdrawalInput): Promise<BankInitiatedResult> {
    const connection = this.connection();
    const { fundPassword, ...transfer } = input;
    this.pinKeyFor(connection, fundPassword, transfer.fundAccountNo);
    return this.sendTransfer(connection, this.started(this.books.beginSecuritiesToBank(transfer)), { resend: false, fundPassword });
  }

  /**
   * F-4.5 B: the same serial again with `Resend`=`Y`. An UNKNOWN transfer is settled by the answer like
   * a first one (the broker answers a processed serial with its first result, 2006 a reversed one).
   * Any other settled transfer is only re-asked: the answer is returned, the books stay as they are.
   */
  async resend(serialNo: string, fundPassword?: ClearPin): Promise<BankInitiatedResult> {
    const connection = this.connection();
    const ref = this.ownRef(serialNo);
    const record = this.books.transaction(ref);
    if (!record || (record.instrCd !== INSTRUCTION_CODES.BANK_TO_SECURITIES && record.instrCd !== INSTRUCTION_CODES.SECURITIES_TO_BANK)) {
      throw new SimulatorError('NOT_FOUND', `no bank-initiated transfer ${serialNo}`);
    }
    this.pinKeyFor(connection, fundPassword, record.fundAccountNo ?? '');
    if (record.status === 'UNKNOWN') return this.sendTransfer(connection, this.books.resumeUnknown(ref), { resend: true, fundPassword });
    if (record.status === 'PENDING') throw new SimulatorError('WRONG_STATE', `transfer ${serialNo} is still waiting for the broker`);
    const outcome = await this.exchange(connection, this.transferDraft(connection, record, { resend: true, fundPassword }));
    const returnCode = outcome.kind === 'answered' ? this.codeOf(outcome.reply.body.Rst.Code) : undefined;
    this.log.info({ serial: serialNo, instrCd: record.instrCd, status: record.status, returnCode, outcome: outcome.kind }, 'settled bank-initiated transfer re-sent; books unchanged');
    return returnCode === undefined ? { serialNo, status: record.status } : { serialNo, status: record.status, returnCode };
  }

  /** F-4.3 B (12003) / F-4.4 B (12004), by the original's instruction; `BankBooks.settleReversal` has the rule. */
  async reverse(originalSerial: string): Promise<BankInitiatedReversalResult> {
    const connection = this.connection();
    const reversal = this.books.beginReversal(originalSerial);
    const instrCd = reversal.instrCd === INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES ? INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES : INSTRUCTION_CODES.REVERSE_SECURITIES_TO_BANK;
    const where = { serial: reversal.ref.serial, instrCd, reversedSerial: originalSerial };
    const outcome = await this.exchange(connection, {
      name: 'Trf.003.01',
      instrCd,
      serial: reversal.ref.serial,
      body: {
        CnRef: { Ref: originalSerial, IssrType: 'B', RefIssr: this.books.bankCode },
        BkAcct: reversal.bankAccountNo === undefined ? undefined : { Id: reversal.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
        ScAcct: reversal.fundAccountNo === undefined ? undefined : { Id: reversal.fundAccountNo, Type: ACCOUNT_TYPE.FUND_ACCOUNT },
        Ccy: reversal.currency,
        TrfAmt: reversal.amount,
      },
    });
    let settled: { readonly reversal: TransactionRecord; readonly original?: TransactionRecord };
    if (outcome.kind === 'answered') {
      const { Rst, MsgHdr } = outcome.reply.body;
      settled = this.books.settleReversal(reversal.ref, { returnCode: this.codeOf(Rst.Code), info: Rst.Info, counterpartSerial: MsgHdr.Ref.Ref });
      this.log.info({ ...where, returnCode: settled.reversal.returnCode, originalStatus: settled.original?.status }, 'bank-initiated reversal answered');
    } else if (outcome.kind === 'unsent') {
      settled = this.books.settleReversal(reversal.ref, { returnCode: RC.SEND_TO_BROKER_FAILED, info: 'request never reached the broker' });
      this.log.warn({ ...where, error: outcome.detail }, 'bank-initiated reversal not sent; original unchanged');
    } else {
      // The original stays as it was; reversing it again is safe (a done reversal answers 2006).
      settled = { reversal: this.books.markUnknown(reversal.ref, `no definite reply: ${outcome.detail}`.slice(0, 128)) };
      this.log.warn({ ...where, error: outcome.detail, protocolError: outcome.protocolError }, 'bank-initiated reversal UNKNOWN; original unchanged');
    }
    const original = settled.original ?? this.books.transaction(this.ownRef(originalSerial));
    return { ...resultOf(settled.reversal), reversedSerialNo: originalSerial, originalStatus: original?.status ?? 'UNKNOWN' };
  }

  /** F-4.6 B (12005): what the broker holds about one of the bank's serials. Nothing changes here. */
  async query(serialNo: string): Promise<BrokerQueryResult> {
    const connection = this.connection();
    const outcome = await this.exchange(connection, {
      name: 'Trf.005.01',
      instrCd: INSTRUCTION_CODES.QUERY_RESULT,
      body: { QryRef: { Ref: serialNo, IssrType: 'B', RefIssr: this.books.bankCode } },
    });
    if (outcome.kind !== 'answered') {
      this.log.warn({ queried: serialNo, error: outcome.detail }, 'result query to the broker unanswered');
      return { serialNo, status: 'UNKNOWN' };
    }
    const { Rst, OrgRst, QryRef } = outcome.reply.body;
    const brokerSerialNo = QryRef?.find((ref) => ref.IssrType === 'S')?.Ref;
    return {
      serialNo,
      status: 'ANSWERED',
      returnCode: this.codeOf(Rst.Code),
      ...(OrgRst === undefined ? {} : { originalReturnCode: this.codeOf(OrgRst.Code) }),
      ...(brokerSerialNo === undefined ? {} : { brokerSerialNo }),
    };
  }

  /**
   * F-3.9 B (11008): the fund password travels as a PIN block in `ScAcct`, `Type` 0 (查询, profile §4.1).
   * Nothing is booked: the bank only shows the customer the broker's figures.
   */
  async queryFundBalance(input: FundBalanceQueryInput): Promise<BrokerFundBalanceResult> {
    const connection = this.connection();
    const pinKey = this.pinKeyFor(connection, input.fundPassword, input.fundAccountNo);
    const serialNo = input.serialNo ?? this.books.nextSerial();
    const outcome = await this.exchange(connection, {
      name: 'Acmt.009.01',
      instrCd: INSTRUCTION_CODES.QUERY_FUND_BALANCE,
      serial: serialNo,
      body: {
        ScAcct: {
          Id: input.fundAccountNo,
          Type: ACCOUNT_TYPE.FUND_ACCOUNT,
          Pwd: input.fundPassword && pinKey ? [passwordComponent(pinKey, input.fundPassword, input.fundAccountNo, PASSWORD_TYPE.QUERY)] : undefined,
        },
        Ccy: input.currency,
      },
    });
    if (outcome.kind !== 'answered') {
      this.log.warn({ serial: serialNo, error: outcome.detail }, 'fund balance query to the broker unanswered');
      return { serialNo, status: 'UNKNOWN' };
    }
    const { Rst, ScBal } = outcome.reply.body;
    const figure = (type: string) => ScBal?.find((entry) => entry.Type === type)?.Bal.toString();
    const returnCode = this.codeOf(Rst.Code);
    this.log.info({ serial: serialNo, returnCode }, 'fund balance query answered');
    if (ScBal === undefined) return { serialNo, status: 'ANSWERED', returnCode };
    return { serialNo, status: 'ANSWERED', returnCode, balances: { balance: figure('0'), available: figure('1'), withdrawable: figure('2') } };
  }

  /** An account function's answer for the books: the broker's code, or 9014 when no definite reply came (not applied, profile §4.1). */
  private accountFunctionAnswer(outcome: Exchange<ProtocolMessage<'Acmt.004.01' | 'Acmt.006.01' | 'Acmt.008.01'>>): { readonly returnCode: string; readonly info?: string; readonly counterpartSerial?: string } {
    return outcome.kind === 'answered'
      ? { returnCode: this.codeOf(outcome.reply.body.Rst.Code), info: outcome.reply.body.Rst.Info, counterpartSerial: outcome.reply.body.MsgHdr.Ref.Ref }
      : { returnCode: RC.SEND_TO_BROKER_FAILED, info: `no definite reply: ${outcome.detail}`.slice(0, 128) };
  }

  /**
   * F-3.11 B (11007): the bank asks whether the customer it identified is the fund account's customer at the broker
   * (§5.11.4 d: `Cust` with name, ID type and number; a typed fund password as a PIN block in `ScAcct`, `Type` 0,
   * profile §4.1). Nothing is booked: the answer is all the bank takes from it.
   */
  async checkIdentity(input: IdentityCheckInput): Promise<BrokerIdentityCheckResult> {
    const connection = this.connection();
    const pinKey = this.pinKeyFor(connection, input.fundPassword, input.fundAccountNo);
    const serialNo = input.serialNo ?? this.books.nextSerial();
    const outcome = await this.exchange(connection, {
      name: 'Acmt.009.01',
      instrCd: INSTRUCTION_CODES.IDENTITY_CHECK,
      serial: serialNo,
      body: {
        Cust: { Name: input.name, CertType: input.idType, CertId: input.idNumber },
        BkAcct: input.bankAccountNo === undefined ? undefined : { Id: input.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
        ScAcct: {
          Id: input.fundAccountNo,
          Type: ACCOUNT_TYPE.FUND_ACCOUNT,
          Pwd: input.fundPassword && pinKey ? [passwordComponent(pinKey, input.fundPassword, input.fundAccountNo, PASSWORD_TYPE.QUERY)] : undefined,
        },
        Ccy: input.currency,
      },
    });
    if (outcome.kind !== 'answered') {
      this.log.warn({ serial: serialNo, error: outcome.detail }, 'identity check to the broker unanswered');
      return { serialNo, status: 'UNKNOWN' };
    }
    const returnCode = this.codeOf(outcome.reply.body.Rst.Code);
    // Never the name, the ID number or the password: which request, and the broker's code.
    this.log.info({ serial: serialNo, returnCode }, 'identity check answered');
    return { serialNo, status: 'ANSWERED', returnCode };
  }

  private async sendTransfer(connection: ProtocolConnection, record: TransactionRecord, options: { readonly resend: boolean; readonly fundPassword?: ClearPin }): Promise<BankInitiatedResult> {
    const { ref } = record;
    const where = { serial: ref.serial, instrCd: record.instrCd, amount: record.amount?.toString(), currency: record.currency, resend: options.resend };
    const outcome = await this.exchange(connection, this.transferDraft(connection, record, options));
    let settled: TransactionRecord;
    if (outcome.kind === 'answered') {
      const { Rst, MsgHdr } = outcome.reply.body;
      settled = this.books.settleBankInitiated(ref, { returnCode: this.codeOf(Rst.Code), info: Rst.Info, counterpartSerial: MsgHdr.Ref.Ref });
      // One per transfer, the bank's burst at market open: debug, as the hub's hot path (its books keep the record).
      this.log.debug({ ...where, status: settled.status, returnCode: settled.returnCode, brokerSerial: settled.counterpartSerial }, 'bank-initiated transfer answered');
    } else if (outcome.kind === 'unsent' && !options.resend) {
      settled = this.books.settleBankInitiated(ref, { returnCode: RC.SEND_TO_BROKER_FAILED, info: 'request never reached the broker' });
      this.log.warn({ ...where, error: outcome.detail }, "bank-initiated transfer not sent; the bank's own half undone");
    } else {
      // Written without a usable reply, or a re-send that did not leave (the first copy may have arrived):
      // the bank's half stays as it is until a re-send, a reversal or an operator settles it.
      settled = this.books.markUnknown(ref, `no definite reply: ${outcome.detail}`.slice(0, 128));
      this.log.warn({ ...where, error: outcome.detail, protocolError: outcome.protocolError }, 'bank-initiated transfer UNKNOWN');
    }
    return resultOf(settled);
  }

  private transferDraft(connection: ProtocolConnection, record: TransactionRecord, options: { readonly resend: boolean; readonly fundPassword?: ClearPin }): RequestDraft<'Trf.001.01'> {
    if (!record.bankAccountNo || !record.fundAccountNo || !record.amount) throw new Error(`bank-initiated ${record.ref.serial} lost its accounts`);
    const pinKey = this.pinKeyFor(connection, options.fundPassword, record.fundAccountNo);
    return {
      name: 'Trf.001.01',
      instrCd: record.instrCd === INSTRUCTION_CODES.BANK_TO_SECURITIES ? INSTRUCTION_CODES.BANK_TO_SECURITIES : INSTRUCTION_CODES.SECURITIES_TO_BANK,
      serial: record.ref.serial,
      body: {
        Resend: options.resend ? 'Y' : undefined,
        BkAcct: { Id: record.bankAccountNo, Type: ACCOUNT_TYPE.BANK_SETTLEMENT },
        ScAcct: {
          Id: record.fundAccountNo,
          Type: ACCOUNT_TYPE.FUND_ACCOUNT,
          Pwd: options.fundPassword && pinKey ? [passwordComponent(pinKey, options.fundPassword, record.fundAccountNo)] : undefined,
        },
        Ccy: record.currency,
        TrfAmt: record.amount,
      },
    };
  }

  private async exchange<N extends BusinessRequestName>(connection: ProtocolConnection, draft: RequestDraft<N>): Promise<Exchange<ProtocolMessage<ReplyNameOf<N>>>> {
    // LOSE_BANK_REQUEST: the bank believes it sent the request (its books are as if it had) and hears nothing.
    const lost = this.faults.takeBankRequestLoss(draft.instrCd, draft.serial);
    if (lost) {
      this.log.warn({ faultId: lost.faultId, instrCd: draft.instrCd, serial: draft.serial }, 'fault LOSE_BANK_REQUEST: the request is never sent');
      return { kind: 'unknown', detail: `fault ${lost.faultId}: request lost on its way` };
    }
    try {
      return { kind: 'answered', reply: await connection.request(draft, { timeoutMs: this.requestTimeoutMs }) };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      return { kind: wasWritten(error) ? 'unknown' : 'unsent', detail, protocolError: error instanceof BankProtocolError ? error.kind : undefined };
    }
  }

  /** Picked before the books change: without a session nothing is started. */
  private connection(): ProtocolConnection {
    const connection = this.sessions.pick();
    if (!connection) throw new SimulatorError('NO_BROKER_SESSION', 'no signed-in broker session to send the request on');
    return connection;
  }

  /** Checked before the books change, so that building the PIN block later cannot fail half-way. */
  private pinKeyFor(connection: ProtocolConnection, fundPassword: ClearPin | undefined, fundAccountNo: string): Buffer | undefined {
    if (!fundPassword) return undefined;
    // Profile §2: the PIN block's account field comes from the digits of the account the password belongs to.
    if (!/^[0-9]{1,35}$/.test(fundAccountNo)) throw new SimulatorError('VALIDATION_FAILED', 'a fund password can only be sent for an all-digit fund account number (PIN block account field)');
    const pinKey = connection.workingKeys?.pinKey;
    if (!pinKey) throw new SimulatorError('NO_BROKER_SESSION', 'the session has no PIN key yet (no key sync): a fund password cannot be sent');
    return pinKey;
  }

  private started(start: ReturnType<BankBooks['beginBankToSecurities']>): TransactionRecord {
    if (start.kind === 'refused') throw new SimulatorError('BANK_REFUSED', start.info, { returnCode: start.returnCode });
    return start.record;
  }

  private ownRef(serial: string): TransactionRef {
    return { issuerType: 'B', issuerId: this.books.bankCode, serial };
  }

  private codeOf(code: string): string {
    return isSuccess(code) ? RC.SUCCESS : code;
  }
}
