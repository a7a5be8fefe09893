import {
  type Account,
  type AccountStatus,
  type BusinessRequestName,
  type InboundRequest,
  INSTRUCTION_CODES,
  type MessageBody,
  type MessageHeader,
  PASSWORD_TYPE,
  type PasswordType,
  type ProtocolConnection,
  type ReplyDraft,
  TRIPLE_DES_MODE,
  verifyPinBlock,
} from '@custody/bank-protocol';
import { Money } from '@custody/money';
import type { BankBooks } from '../books/bank-books';
import type { BankDayClose } from '../day-close/bank-day-close';
import { BANK_RETURN_CODES as RC } from '../books/bank-return-codes';
import type { BookOutcome, CustodyAccountState, PasswordProof, TransactionRecord, TransactionRef } from '../books/book-records';
import type { SimulatorLogger } from '../simulator-logger';
import type { BrokerSession } from './broker-sessions';
import { bankBalanceReply, designationReply, identityCheckReply, queryReply, rstOnlyReply, reversalReply, statusChangeReply, transferReply } from './broker-replies';
import type { Fault, FaultPlan } from './fault-plan';

export interface HandlerParties {
  readonly bankCode: string;
  readonly brokerInstId: string;
}

/** §7.12 AccountStatus as the books name it. */
const ACCOUNT_STATE_OF: Readonly<Record<AccountStatus, CustodyAccountState>> = { '0': 'NORMAL', '1': 'FROZEN', '2': 'LOST' };

/** A reply that never comes: the session keeps waiting, the broker's request times out. */
function never(): Promise<ReplyDraft> {
  return new Promise<ReplyDraft>(() => undefined);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The bank side of broker-initiated requests (profile §4): armed faults first, then the books. The
 * books decide; this edge only translates messages to book inputs and outcomes to replies, and
 * wraps the PIN block so the books can check a password without seeing keys.
 */
export class BrokerRequestHandler {
  constructor(
    private readonly books: BankBooks,
    private readonly dayClose: BankDayClose,
    private readonly faults: FaultPlan,
    private readonly parties: HandlerParties,
    private readonly log: SimulatorLogger,
  ) {}

  handle(request: InboundRequest, connection: ProtocolConnection, session: BrokerSession): ReplyDraft | Promise<ReplyDraft> {
    const header = request.message.body.MsgHdr;
    const fault = this.faults.take(header.InstrCd, { serialNo: header.Ref.Ref, ...subjectOf(request.message) });
    const where = { sessionId: session.sessionId, instrCd: header.InstrCd, serial: header.Ref.Ref };
    if (fault) this.log.warn({ ...where, faultId: fault.faultId, fault: fault.kind }, 'fault applied to a broker request');

    if (fault?.kind === 'DROP_REQUEST') return never();
    if (fault?.kind === 'CLOSE_CONNECTION') {
      connection.destroy(`fault ${fault.faultId}: CLOSE_CONNECTION`);
      return never();
    }
    const reply = this.process(request.message, connection, where);
    return this.deliver(reply, fault, header, session);
  }

  private deliver(reply: ReplyDraft | Promise<ReplyDraft>, fault: Fault | undefined, header: MessageHeader, session: BrokerSession): ReplyDraft | Promise<ReplyDraft> {
    switch (fault?.kind) {
      case 'DROP_REPLY':
        return never();
      case 'DELAY_REPLY':
        return delay(fault.delayMs ?? 0).then(() => reply);
      case 'CORRUPT_CHECKSUM':
        session.socket.corruptReplyTo(header.Ref.Ref);
        return reply;
      case 'DUPLICATE_REPLY':
        session.socket.duplicateReplyTo(header.Ref.Ref);
        return reply;
      default:
        return reply;
    }
  }

  /** Never throws nor rejects: whatever the request, the broker gets the most specific code we can give. */
  private process(message: InboundRequest['message'], connection: ProtocolConnection, where: Record<string, string>): ReplyDraft | Promise<ReplyDraft> {
    try {
      const header = message.body.MsgHdr;
      const misaddressed = this.headerRefusal(header);
      if (misaddressed) return rstOnlyReply(message.name, misaddressed.code, misaddressed.info);
      const ref: TransactionRef = { issuerType: 'S', issuerId: header.Ref.RefIssr ?? this.parties.brokerInstId, serial: header.Ref.Ref };
      const pinKey = connection.workingKeys?.pinKey;
      switch (message.name) {
        case 'Acmt.001.01':
          return this.openAccount(ref, message.body, pinKey, where);
        case 'Acmt.009.01':
          return this.accountQuery(message.body, pinKey, where);
        case 'Acmt.005.01':
          return this.accountInfoChange(ref, message.body, where);
        // The other account functions (11004–11006) are not simulated yet: 1034, as before they were typed.
        case 'Acmt.003.01':
        case 'Acmt.007.01':
          return rstOnlyReply(message.name, RC.TRANSACTION_NOT_ENABLED, `${header.InstrCd} is not enabled at this bank`);
        case 'Trf.001.01':
          return this.transfer(ref, message.body, pinKey, where);
        case 'Trf.005.01':
          return this.query(message.body, where);
        case 'Trf.003.01':
          return this.reverse(ref, message.body, where);
        case 'Stmt.007.01':
          return this.startDay(message.body, where);
        case 'Stmt.005.01':
          return this.endDay(where);
        case 'Stmt.001.01':
          return this.dayClose.summaryCheck(message.body);
        case 'Stmt.003.01':
        case 'File.001.01':
          return this.dayClose.fileRequest(message).catch((error: unknown) => this.failed(message.name, error, where));
      }
    } catch (error) {
      return this.failed(message.name, error, where);
    }
  }

  private failed(requestName: BusinessRequestName, error: unknown, where: Record<string, string>): ReplyDraft {
    this.log.error({ ...where, error: error instanceof Error ? error.message : String(error) }, 'broker request failed inside the bank');
    return rstOnlyReply(requestName, RC.SYSTEM_ERROR, 'bank host system error');
  }

  /** The session authenticated the broker; the header must still be addressed to us and carry its serial. */
  private headerRefusal(header: MessageHeader): { readonly code: string; readonly info: string } | undefined {
    if (header.Recver.InstId !== this.parties.bankCode) return { code: RC.INVALID_BANK_NUMBER, info: `receiver ${header.Recver.InstId} is not this bank` };
    const issuer = header.Ref.RefIssr;
    if (header.Ref.IssrType !== 'S' || (issuer !== undefined && issuer !== this.parties.brokerInstId)) {
      return { code: RC.INVALID_SERIAL, info: 'a broker request carries a serial the broker issued' };
    }
    return undefined;
  }

  /** bank-protocol.md §7 step 1, 13012: the broker's business date becomes this bank's clearing date. */
  private startDay(body: MessageBody<'Stmt.007.01'>, where: Record<string, string>): ReplyDraft {
    const busiDate = body.BusiDate ?? '';
    const date = `${busiDate.slice(0, 4)}-${busiDate.slice(4, 6)}-${busiDate.slice(6, 8)}`;
    const before = this.books.day.date;
    const code = this.books.day.start(date);
    this.log.info({ ...where, businessDate: date, before, returnCode: code }, code === RC.SUCCESS ? 'day started (13012)' : 'day start refused (13012)');
    return rstOnlyReply('Stmt.007.01', code, code === RC.SUCCESS ? '日间业务开始' : `the bank's day is ${before}${this.books.day.hasEnded ? ', ended' : ''}`);
  }

  /**
   * bank-protocol.md §7 step 3, 13011: the day's snapshot is taken (its files follow once this is answered); new
   * broker transfers of it are refused 5215.
   */
  private endDay(where: Record<string, string>): ReplyDraft {
    const code = this.books.day.end();
    this.dayClose.dayEnded();
    this.log.info({ ...where, businessDate: this.books.day.date }, 'day ended (13011)');
    return rstOnlyReply('Stmt.005.01', code, '日间业务结束');
  }

  /** Acmt.001.01 by its code (profile §4): the broker may send 11001 and 11002; 11003 and 11010 are the bank's own. */
  private openAccount(ref: TransactionRef, body: MessageBody<'Acmt.001.01'>, pinKey: Buffer | undefined, where: Record<string, string>): ReplyDraft {
    const instrCd = body.MsgHdr.InstrCd;
    if (instrCd === INSTRUCTION_CODES.DESIGNATE) return this.designate(ref, body, pinKey, where);
    if (instrCd === INSTRUCTION_CODES.PRE_DESIGNATE) return this.preDesignate(ref, body, where);
    return rstOnlyReply('Acmt.001.01', RC.TRANSACTION_NOT_ENABLED, `${instrCd} is not enabled at this bank`);
  }

  /** F-3.1 S (11002): the opening balance in `ScBal` is required; no bank account, hence no password (profile §4.1). */
  private preDesignate(ref: TransactionRef, body: MessageBody<'Acmt.001.01'>, where: Record<string, string>): ReplyDraft {
    if (!body.ScAcct || !body.ScBal) return rstOnlyReply('Acmt.001.01', RC.MESSAGE_FORMAT_ERROR, '11002 needs ScAcct and ScBal');
    if (body.BkAcct) return rstOnlyReply('Acmt.001.01', RC.MESSAGE_FORMAT_ERROR, '11002 carries no bank account');
    const outcome = this.books.preDesignate({
      ref,
      fundAccountNo: body.ScAcct.Id,
      // §5.13.4 h: the currency defaults to RMB.
      currency: body.Ccy ?? 'CNY',
      customer: { name: body.Cust.Name, idType: body.Cust.CertType, idNumber: body.Cust.CertId },
      openingBalance: body.ScBal.Bal,
    });
    return this.answer('Acmt.001.01', outcome, designationReply, where);
  }

  /** F-3.3 S (11001). */
  private designate(ref: TransactionRef, body: MessageBody<'Acmt.001.01'>, pinKey: Buffer | undefined, where: Record<string, string>): ReplyDraft {
    if (!body.BkAcct || !body.ScAcct) return rstOnlyReply('Acmt.001.01', RC.MESSAGE_FORMAT_ERROR, '11001 needs BkAcct and ScAcct');
    const outcome = this.books.designate({
      ref,
      bankAccountNo: body.BkAcct.Id,
      fundAccountNo: body.ScAcct.Id,
      // §5.13.4 h: the currency defaults to RMB.
      currency: body.Ccy ?? 'CNY',
      customer: { name: body.Cust.Name, idType: body.Cust.CertType, idNumber: body.Cust.CertId },
      password: passwordProof(body.BkAcct, pinKey),
      openingBalance: body.ScBal?.Bal ?? Money.zero(),
    });
    return this.answer('Acmt.001.01', outcome, designationReply, where);
  }

  /** Acmt.009.01 by its code (profile §4): the broker may send 11009 and 11007; 11008 is the bank's own question. */
  private accountQuery(body: MessageBody<'Acmt.009.01'>, pinKey: Buffer | undefined, where: Record<string, string>): ReplyDraft {
    const instrCd = body.MsgHdr.InstrCd;
    if (instrCd === INSTRUCTION_CODES.IDENTITY_CHECK) return this.checkIdentity(body, where);
    if (instrCd !== INSTRUCTION_CODES.QUERY_BANK_BALANCE) return rstOnlyReply('Acmt.009.01', RC.TRANSACTION_NOT_ENABLED, `${instrCd} is not enabled at this bank`);
    if (!body.BkAcct || !body.ScAcct) return rstOnlyReply('Acmt.009.01', RC.MESSAGE_FORMAT_ERROR, '11009 needs BkAcct and ScAcct');
    // §5.12.4 h: the currency defaults to RMB.
    const currency = body.Ccy ?? 'CNY';
    const answer = this.books.queryBankBalance({
      bankAccountNo: body.BkAcct.Id,
      fundAccountNo: body.ScAcct.Id,
      currency,
      password: passwordProof(body.BkAcct, pinKey, PASSWORD_TYPE.QUERY),
    });
    if (answer.kind === 'rejected') {
      this.log.warn({ ...where, returnCode: answer.returnCode }, `bank balance query refused: ${answer.info}`);
      return rstOnlyReply('Acmt.009.01', answer.returnCode, answer.info);
    }
    this.log.debug(where, 'bank balance query answered');
    return bankBalanceReply({ bankAccountNo: body.BkAcct.Id, fundAccountNo: body.ScAcct.Id, currency, balance: answer.balance, available: answer.available });
  }

  /**
   * F-3.11 S (11007): the customer the broker records (`Cust`, §5.11.4 d) against the holder of the bank account
   * (§5.11.4 e: both accounts name it). Records nothing; not in the day's files.
   */
  private checkIdentity(body: MessageBody<'Acmt.009.01'>, where: Record<string, string>): ReplyDraft {
    if (!body.Cust || !body.BkAcct || !body.ScAcct) return rstOnlyReply('Acmt.009.01', RC.MESSAGE_FORMAT_ERROR, '11007 needs Cust, BkAcct and ScAcct');
    // §5.12.4 h: the currency defaults to RMB.
    const currency = body.Ccy ?? 'CNY';
    const answer = this.books.checkIdentity({
      bankAccountNo: body.BkAcct.Id,
      fundAccountNo: body.ScAcct.Id,
      currency,
      customer: { name: body.Cust.Name, idType: body.Cust.CertType, idNumber: body.Cust.CertId },
    });
    this.log.info({ ...where, returnCode: answer.returnCode }, `identity check answered: ${answer.info}`);
    return identityCheckReply({ ...answer, bankAccountNo: body.BkAcct.Id, fundAccountNo: body.ScAcct.Id, currency });
  }

  /** Acmt.005.01 by its code: the broker's 11011 (its status in `ScAcct/Status`, profile §4.1); 11005 is not simulated yet. */
  private accountInfoChange(ref: TransactionRef, body: MessageBody<'Acmt.005.01'>, where: Record<string, string>): ReplyDraft {
    const instrCd = body.MsgHdr.InstrCd;
    if (instrCd !== INSTRUCTION_CODES.CHANGE_ACCOUNT_STATUS) return rstOnlyReply('Acmt.005.01', RC.TRANSACTION_NOT_ENABLED, `${instrCd} is not enabled at this bank`);
    // The library refuses an 11011 without the initiator's Status; without the fund account there is nothing to change.
    const status = body.ScAcct?.Status;
    if (!body.ScAcct || status === undefined) return rstOnlyReply('Acmt.005.01', RC.MESSAGE_FORMAT_ERROR, '11011 from the broker carries ScAcct with its Status');
    const accountState = ACCOUNT_STATE_OF[status];
    const outcome = this.books.changeStatusFromBroker({ ref, fundAccountNo: body.ScAcct.Id, bankAccountNo: body.BkAcct?.Id, accountState });
    return this.answer('Acmt.005.01', outcome, (record) => statusChangeReply(record, accountState), { ...where, accountState });
  }

  /** F-4.1 S (12001) and F-4.2 S (12002). */
  private transfer(ref: TransactionRef, body: MessageBody<'Trf.001.01'>, pinKey: Buffer | undefined, where: Record<string, string>): ReplyDraft {
    const instrCd = body.MsgHdr.InstrCd;
    // §5.13.4 f: both accounts name the two ends of the transfer.
    if (!body.BkAcct || !body.ScAcct) return rstOnlyReply('Trf.001.01', RC.MESSAGE_FORMAT_ERROR, 'a transfer needs BkAcct and ScAcct');
    const input = { ref, bankAccountNo: body.BkAcct.Id, fundAccountNo: body.ScAcct.Id, currency: body.Ccy ?? 'CNY', amount: body.TrfAmt } as const;
    if (instrCd === INSTRUCTION_CODES.BANK_TO_SECURITIES) {
      return this.answer('Trf.001.01', this.books.bankToSecurities({ ...input, password: passwordProof(body.BkAcct, pinKey) }), transferReply, where);
    }
    if (instrCd === INSTRUCTION_CODES.SECURITIES_TO_BANK) {
      // F-4.2 S: the broker checked the fund password and holds the amount; the bank needs no password.
      return this.answer('Trf.001.01', this.books.securitiesToBank(input), transferReply, where);
    }
    return rstOnlyReply('Trf.001.01', RC.NO_SUCH_TRANSACTION, `${instrCd} is not a transfer`);
  }

  /** F-4.3 S (12003) and F-4.4 S (12004): the books decide every answer (`BankBooks.reverse`). */
  private reverse(ref: TransactionRef, body: MessageBody<'Trf.003.01'>, where: Record<string, string>): ReplyDraft {
    const instrCd = body.MsgHdr.InstrCd;
    if (instrCd !== INSTRUCTION_CODES.REVERSE_BANK_TO_SECURITIES && instrCd !== INSTRUCTION_CODES.REVERSE_SECURITIES_TO_BANK) {
      return rstOnlyReply('Trf.003.01', RC.NO_SUCH_TRANSACTION, `${instrCd} is not a reversal`);
    }
    const cancelled = body.CnRef;
    if (cancelled.IssrType !== 'S' && cancelled.IssrType !== 'B') return rstOnlyReply('Trf.003.01', RC.REVERSAL_MISMATCH, 'CnRef names no issuer this bank knows');
    const outcome = this.books.reverse({
      ref,
      instrCd,
      cancelledRef: {
        issuerType: cancelled.IssrType,
        issuerId: cancelled.RefIssr ?? (cancelled.IssrType === 'S' ? this.parties.brokerInstId : this.parties.bankCode),
        serial: cancelled.Ref,
      },
      bankAccountNo: body.BkAcct?.Id,
      fundAccountNo: body.ScAcct?.Id,
      currency: body.Ccy,
      amount: body.TrfAmt,
    });
    return this.answer('Trf.003.01', outcome, reversalReply, { ...where, reversedSerial: cancelled.Ref });
  }

  /** F-4.6 (12005). */
  private query(body: MessageBody<'Trf.005.01'>, where: Record<string, string>): ReplyDraft {
    const queried = body.QryRef;
    const issuerType = queried.IssrType === 'S' || queried.IssrType === 'B' ? queried.IssrType : undefined;
    const answer = issuerType
      ? this.books.queryResult({
          issuerType,
          issuerId: queried.RefIssr ?? (issuerType === 'S' ? this.parties.brokerInstId : this.parties.bankCode),
          serial: queried.Ref,
        })
      : { returnCode: RC.QUERIED_NEVER_SEEN };
    this.log.info({ ...where, queried: queried.Ref, originalResult: answer.returnCode }, 'result query answered');
    return queryReply(queried, answer, this.parties.bankCode);
  }

  private answer(requestName: BusinessRequestName, outcome: BookOutcome, build: (record: TransactionRecord) => ReplyDraft, where: Record<string, string>): ReplyDraft {
    if (outcome.kind === 'rejected') {
      this.log.warn({ ...where, returnCode: outcome.returnCode }, `broker request refused: ${outcome.info}`);
      return rstOnlyReply(requestName, outcome.returnCode, outcome.info);
    }
    const { record } = outcome;
    this.log.debug(
      { ...where, status: record.status, returnCode: record.returnCode, amount: record.amount?.toString(), currency: record.currency, bankSerial: record.bankSerial },
      outcome.kind === 'replayed' ? 'broker request already processed: original reply repeated' : 'broker request processed',
    );
    return build(record);
  }
}

/**
 * Profile §2: the bank password is a format-0 PIN block under the session's PIN key, `Type` 1 (取款)
 * where it authorises money or a relationship, `Type` 0 (查询) on a query (§4.1). No key sync yet, or no usable
 * block of that type: no proof at all.
 */
export function passwordProof(account: Account, pinKey: Buffer | undefined, type: PasswordType = PASSWORD_TYPE.WITHDRAWAL): PasswordProof | undefined {
  const password = account.Pwd?.find((p) => p.Type === undefined || p.Type === type);
  const block = password?.Pwd;
  if (!pinKey || !password || block === undefined) return undefined;
  if (password.Enc !== undefined && password.Enc !== TRIPLE_DES_MODE) return undefined;
  return (pinOnRecord) => {
    try {
      return verifyPinBlock(pinKey, block, account.Id, pinOnRecord);
    } catch {
      return false;
    }
  };
}

/** The request a reversal (12003/12004) or a query (12005) is about, for the record of the faults that hit it. */
function subjectOf(message: InboundRequest['message']): { subjectSerialNo?: string } {
  if (message.name === 'Trf.003.01') return { subjectSerialNo: message.body.CnRef.Ref };
  if (message.name === 'Trf.005.01') return { subjectSerialNo: message.body.QryRef.Ref };
  return {};
}
