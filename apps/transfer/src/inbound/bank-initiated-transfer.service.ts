import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { describeReturnCode, INSTRUCTION_CODES } from '@custody/bank-protocol';
import { type BankReplyReady, bankReplyReadyFor, type bankRequestReceived, fundPasswordRefusal, movementDate } from '@custody/contracts';
import { Outbox } from '@custody/messaging';
import { lockForTransaction } from '@custody/persistence';
import { AmountFormatError, type Currency, Money } from '@custody/money';
import { BusinessDays, Clock, CUSTODY_CONFIG, type CustodyConfig, findBank, MAX_CLOCK_SKEW_MS, nextSerialNo, serialNoOf } from '@custody/service-kit';
import { ManualCases } from '../cases/manual-cases';
import { BankDayProjection, TRANSFER_SERIALS } from '../day/bank-day.projection';
import { DAY_CLOSED_RETURN_CODE, takesBankTransfers } from '../day/day-rules';
import type { LedgerAccount } from '../ledger/ledger-account.entity';
import { available, canTake } from '../ledger/ledger-rules';
import { LedgerRepository } from '../ledger/ledger.repository';
import { attemptsAfter } from '../transfers/transfer-attempts';
import { Transfer, type TransferType } from '../transfers/transfer.entity';
import { TransferMetrics } from '../transfers/transfer-metrics';
import { TransferRepository } from '../transfers/transfer.repository';
import { fundBalanceQueryVerdict, originalResult, reversalVerdict, type ReversalFunction, type ReversalVerdict } from './bank-request-decisions';
import { BankReversalRepository, type RecordedReversal } from './bank-reversal.repository';

type InboundRequest = z.infer<typeof bankRequestReceived.schema>;
type MessageRef = NonNullable<InboundRequest['queriedRef']>;

/** Broker-side return codes of JR/T 0046 §7.23 this flow answers with. */
export const BROKER_CODES = {
  OK: '0000',
  WRONG_FUND_PASSWORD: '2001',
  INSUFFICIENT_BALANCE: '2002',
  DUPLICATE_BANK_SERIAL: '2004',
  REVERSAL_ORIGINAL_NOT_FOUND: '2005',
  ALREADY_REVERSED: '2006',
  QUERIED_NEVER_SEEN: '2027',
  FUND_ACCOUNT_NOT_FOUND: '2011',
  NO_RELATIONSHIP: '2013',
  /** 资金账户状态不正常: the relationship is frozen or reported lost (bank-protocol.md §4.1 "11011"). */
  ACCOUNT_ABNORMAL: '2010',
  /**
   * 对应关系状态错: the relationship is being changed (F-3.8: the broker's own 11004 holds the ledger closed while the
   * bank answers it), as account answers a bank's request on a relationship whose designation still awaits the bank.
   */
  RELATIONSHIP_CHANGING: '3003',
  BANK_ACCOUNT_MISMATCH: '3001',
  CURRENCY_WRONG: '3011',
  MESSAGE_FORMAT: '2044',
  NOT_OFFERED: '2033',
  /**
   * For a request that reached us after the bank's reply deadline. The cause is ours (it sat in our
   * pipeline too long), and §7.23 has no broker code for a timeout: 3007 转账时间已过 means the transfer
   * window is closed and would send the bank and operators after the wrong cause; 2028 is a query's
   * `OrgRst`; 9xxx are communication-layer codes, not a verdict recorded against a serial. 2041 is a
   * definite failure, the broker side's SYSTEM_ERROR in the protocol library too.
   */
  SYSTEM_ERROR: '2041',
} as const;

/** The §7.23 wording of a code, as the bank reads it in `Rst/Info`. */
function messageOf(code: string): string {
  return describeReturnCode(code)?.zh ?? '';
}

/** bank-protocol.md §4: a receiver must answer within replyDeadlineMs, 20 s unless the bank's config says otherwise. */
const DEFAULT_REPLY_DEADLINE_MS = 20_000;

/**
 * Every function the bank starts, answered from the fund ledger in the transaction that records it,
 * with the reply in the outbox of that transaction.
 *
 * F-4.1 B / F-4.2 B: the bank already moved its side of a deposit (or will move it on our 0000 for a
 * withdrawal); we credit or debit the fund ledger and reply. Keyed by the bank's serial: a repeat
 * (resend, duplicate delivery) returns the first answer and changes nothing (I6); a request reusing a
 * serial for other content is refused with 2004 and changes nothing either. A refusal is recorded too,
 * so its repeat gets the same code. A reversed original stays reversed: its repeat or late arrival is
 * refused 2006 (F-4.5).
 *
 * A transfer request that reaches us after the bank's replyDeadlineMs (from `receivedAt`, when the
 * adapter read it) takes no effect: the bank has already given up on it and reverses, queries or resends.
 * It is recorded FAILED, so that a resend of the serial gets the same answer and a late copy can never
 * move money after the bank undid its side. Reversals are exempt: the bank only ever wants them to take
 * effect, and a reversal refused as stale would answer every resend of it with the same refusal.
 *
 * F-4.3 B / F-4.4 B: reversals, recorded by their own serial in transfer.bank_reversals; F-4.6 B (12005) and
 * F-3.9 B (11008): queries, which change nothing. The answers themselves are decided in bank-request-decisions.ts.
 */
/** What a query is answered besides its code: a 12005's original and its result, an 11008's balances. */
type QueryAnswer = Pick<BankReplyReady, 'originalReturnCode' | 'queriedOriginal' | 'fundBalances'>;

@Injectable()
export class BankInitiatedTransferService {
  private readonly logger = new Logger(BankInitiatedTransferService.name);
  private readonly businessDays: BusinessDays;

  constructor(
    private readonly ledger: LedgerRepository,
    private readonly outbox: Outbox,
    private readonly bankDays: BankDayProjection,
    @Inject(CUSTODY_CONFIG) private readonly config: CustodyConfig,
    private readonly clock: Clock,
    private readonly cases: ManualCases,
    private readonly metrics: TransferMetrics,
    private readonly transfers: TransferRepository,
    private readonly reversals: BankReversalRepository,
  ) {
    this.businessDays = new BusinessDays(config.holidays);
  }

  async handle(manager: EntityManager, request: InboundRequest): Promise<void> {
    switch (request.function) {
      case 'BANK_TO_SECURITIES':
      case 'SECURITIES_TO_BANK':
        return this.transfer(manager, request, request.function);
      case 'REVERSE_BANK_TO_SECURITIES':
      case 'REVERSE_SECURITIES_TO_BANK':
        return this.reverse(manager, request, request.function);
      case 'QUERY_RESULT':
        return this.query(manager, request);
      case 'QUERY_FUND_BALANCE':
        return this.queryFundBalance(manager, request);
      // 11001, 11003, 11004, 11005, 11006, 11007, 11010 and 11011 are the account service's (bank.account-request-received); the adapter never sends them here.
      case 'DESIGNATE':
      case 'CONFIRM_DESIGNATION':
      case 'CANCEL_DESIGNATION':
      case 'REGISTER_CURRENCY':
      case 'CHANGE_ACCOUNT_STATUS':
      case 'CHANGE_BANK_ACCOUNT':
      case 'CHANGE_CUSTOMER':
      case 'CHECK_IDENTITY':
        return this.reply(manager, request, BROKER_CODES.NOT_OFFERED);
    }
  }

  private async transfer(manager: EntityManager, request: InboundRequest, type: TransferType): Promise<void> {
    const amount = readAmount(request);
    await lockBankSerials(manager, request.bankCode, [request.serialNo]);
    // The transfer this serial numbered and what the reversals know of it, in one read (issue 9).
    const { transfer: earlier, reversal } = await this.transfers.bankSerialUse(manager, request.bankCode, request.serialNo);
    if (earlier) {
      if (!sameContent(earlier, request, type, amount)) return this.refuseReusedSerial(manager, request, `transfer ${earlier.transferId}`);
      // F-4.5: whatever it first answered, a reversed original is refused now.
      if (earlier.status === 'REVERSED') return this.reply(manager, request, BROKER_CODES.ALREADY_REVERSED, earlier.ourSerialNo);
      return this.reply(manager, request, earlier.status === 'SUCCEEDED' ? BROKER_CODES.OK : earlier.bankReturnCode!, earlier.ourSerialNo);
    }
    if (reversal?.own) return this.refuseReusedSerial(manager, request, `the bank's reversal ${request.serialNo}`);
    if (reversal) {
      // Its reversal came first (answered 2005): a late original must never take effect after it.
      this.logger.warn({ bankCode: request.bankCode, serialNo: request.serialNo, resend: request.resend }, 'original arrived after its reversal; refused, nothing changed');
      return this.reply(manager, request, BROKER_CODES.ALREADY_REVERSED);
    }
    // A request we cannot even read takes no effect and leaves no row: its repeat gets the same answer anyway.
    if (!amount) return this.reply(manager, request, BROKER_CODES.MESSAGE_FORMAT);
    const transfer = await this.decide(manager, request, type, amount);
    return this.reply(manager, request, transfer.status === 'SUCCEEDED' ? BROKER_CODES.OK : transfer.bankReturnCode!, transfer.ourSerialNo);
  }

  private async refuseReusedSerial(manager: EntityManager, request: InboundRequest, usedBy: string): Promise<void> {
    // Answering with the first result would tell the bank this other request was done (or refused).
    this.logger.warn(
      { bankCode: request.bankCode, serialNo: request.serialNo, function: request.function, usedBy, fundAccountNo: request.fundAccountNo, amount: request.amount },
      'bank serial reused for a different request; refused as a duplicate serial, nothing changed',
    );
    return this.reply(manager, request, BROKER_CODES.DUPLICATE_BANK_SERIAL);
  }

  private async reply(manager: EntityManager, request: InboundRequest, returnCode: string, serialNo?: string, query?: QueryAnswer): Promise<void> {
    await this.outbox.add(manager, bankReplyReadyFor(request.bankCode), {
      inboundId: request.inboundId,
      bankCode: request.bankCode,
      route: request.route,
      function: request.function,
      returnCode,
      returnMessage: messageOf(returnCode),
      serialNo,
      originalReturnCode: query?.originalReturnCode,
      queriedOriginal: query?.queriedOriginal,
      fundBalances: query?.fundBalances,
    }, { key: request.bankCode });
  }

  private async decide(manager: EntityManager, request: InboundRequest, type: TransferType, amount: Money): Promise<Transfer> {
    // The bank's day, our serial's number and the ledger under its lock, in one statement (issue 9): the ledger is locked
    // for a request refused below too, for the rest of this transaction only.
    const { day, serialNumber, account } = await this.ledger.lockWithBankDay(manager, request.fundAccountNo, request.currency, request.bankCode);
    // Outside the bank's day the request is refused but recorded (its repeat gets the same answer) under the
    // date the bank's day is on; a bank that never opened one yet has only the date it sent.
    const businessDate = day?.businessDate ?? request.businessDate;
    const transfer = manager.create(Transfer, {
      transferId: randomUUID(),
      type,
      initiator: 'B',
      serialNo: request.serialNo,
      ourSerialNo: serialNoOf(serialNumber, TRANSFER_SERIALS, 'transfer', businessDate),
      bankSerialNo: request.serialNo,
      bankCode: request.bankCode,
      fundAccountNo: request.fundAccountNo,
      currency: request.currency,
      amount: amount.toString(),
      status: 'SUCCEEDED',
      failureCode: null,
      failureMessage: null,
      bankReturnCode: null,
      holdId: null,
      bankAccountNo: request.bankAccountNo ?? null,
      attempts: [],
      businessDate,
      unknownSince: null,
    });
    const stale = this.lateBy(request);
    if (!takesBankTransfers(day)) {
      const failureMessage = `${messageOf(DAY_CLOSED_RETURN_CODE)}: the bank's day is ${day ? `${day.businessDate} ${day.phase}` : 'not started'} (bank-protocol.md §7)`;
      Object.assign(transfer, { status: 'FAILED', failureCode: 'BANK_REQUEST_REFUSED', bankReturnCode: DAY_CLOSED_RETURN_CODE, failureMessage });
      this.logger.warn({ bankCode: request.bankCode, serialNo: request.serialNo, type, phase: day?.phase }, 'bank-initiated transfer outside the bank\'s day; refused 3007, ledger untouched');
    } else if (stale) {
      // Checked before the ledger is touched: moving money now would contradict the bank's reversal or resend.
      Object.assign(transfer, { status: 'FAILED', failureCode: 'BANK_REQUEST_STALE', bankReturnCode: BROKER_CODES.SYSTEM_ERROR, failureMessage: stale });
      this.logger.warn({ bankCode: request.bankCode, serialNo: request.serialNo, type, receivedAt: request.receivedAt, why: stale }, 'bank-initiated transfer arrived too late; refused, ledger untouched');
    } else {
      const refusal = await this.moveOrRefuse(manager, request, transfer, amount, account);
      if (refusal) {
        const failureMessage = refusal.why ? `${messageOf(refusal.code)}: ${refusal.why}` : messageOf(refusal.code);
        Object.assign(transfer, { status: 'FAILED', failureCode: 'BANK_REQUEST_REFUSED', bankReturnCode: refusal.code, failureMessage });
        this.logger.warn({ bankCode: request.bankCode, serialNo: request.serialNo, type, returnCode: refusal.code, why: refusal.why }, 'bank-initiated transfer refused');
      } else {
        // One per deposit at the bank's burst: debug, as the hot path's other lines (issue 9); refusals above stay warnings.
        this.logger.debug({ transferId: transfer.transferId, bankCode: request.bankCode, serialNo: request.serialNo, type }, 'bank-initiated transfer booked');
      }
    }
    await this.transfers.insert(manager, transfer);
    // Its start is when the adapter read the request off the session; an unreadable time leaves it out of the durations.
    const receivedAt = new Date(request.receivedAt);
    this.metrics.reached(manager, transfer, transfer.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED', Number.isNaN(receivedAt.getTime()) ? undefined : receivedAt);
    return transfer;
  }

  /**
   * Why the request is past the bank's reply deadline, or undefined while it is not. Measured from when
   * the adapter read it off the session (its clock) to now (this service's clock), so the two hosts'
   * clocks meet here: a request is refused only once it is later than the deadline plus the most they
   * may disagree (MAX_CLOCK_SKEW_MS), never because the adapter's clock runs behind ours. Erring towards
   * "in time" is the side the bank undoes: a request it had given up on is reversed by it (F-4.3 B /
   * F-4.4 B), as is a reply that crosses the deadline on its way back (outbox, Kafka, adapter).
   */
  private lateBy(request: InboundRequest): string | undefined {
    const deadlineMs = findBank(this.config, request.bankCode)?.replyDeadlineMs ?? DEFAULT_REPLY_DEADLINE_MS;
    const receivedAt = Date.parse(request.receivedAt);
    const now = this.clock.now();
    // Without a readable receive time it cannot be shown to be in time; refusing is the side the bank can undo.
    if (Number.isNaN(receivedAt)) return `receivedAt ${request.receivedAt} unreadable; cannot show the request is within the bank's ${deadlineMs} ms reply deadline`;
    const elapsedMs = now.getTime() - receivedAt;
    if (elapsedMs <= deadlineMs + MAX_CLOCK_SKEW_MS) return undefined;
    return `received ${request.receivedAt}, reached the ledger ${now.toISOString()} (${elapsedMs} ms): past the bank's ${deadlineMs} ms reply deadline (and ${MAX_CLOCK_SKEW_MS} ms for clock skew), the bank has given up on it`;
  }

  /**
   * Credits (12001) or debits (12002) the ledger, or returns the refusal (and changes nothing). For a
   * withdrawal the account and relationship come first (a password verdict on an account that is not
   * ours means nothing), then the password, and only then the balance, so that a wrong password never
   * learns whether the money is there.
   */
  /** `account`: the request's ledger, under its lock (null: it has none). */
  private async moveOrRefuse(manager: EntityManager, request: InboundRequest, transfer: Transfer, amount: Money, account: LedgerAccount | null): Promise<{ code: string; why?: string } | undefined> {
    if (!account) return { code: (await this.ledger.hasAnyLedger(manager, request.fundAccountNo)) ? BROKER_CODES.CURRENCY_WRONG : BROKER_CODES.FUND_ACCOUNT_NOT_FOUND };
    if (account.custodyStatus !== 'DESIGNATED' || account.bankCode !== request.bankCode) return { code: BROKER_CODES.NO_RELATIONSHIP };
    if (account.accountStatus !== 'NORMAL') return { code: BROKER_CODES.ACCOUNT_ABNORMAL, why: `the relationship is ${account.accountStatus}` };
    // F-3.8: our cancellation of the relationship is at the bank; the bank refuses it while this is in flight (5318).
    if (account.closedFor !== null) return { code: BROKER_CODES.ACCOUNT_ABNORMAL, why: 'the relationship is being cancelled' };
    if (request.bankAccountNo && request.bankAccountNo !== account.bankAccountNo) return { code: BROKER_CODES.BANK_ACCOUNT_MISMATCH };
    let movement = amount;
    if (transfer.type === 'SECURITIES_TO_BANK') {
      const wrongPassword = fundPasswordRefusal(request.fundPassword);
      if (wrongPassword) return { code: BROKER_CODES.WRONG_FUND_PASSWORD, why: wrongPassword };
      // I7, the rule S withdrawals place their hold under.
      const figures = this.ledger.figures(account);
      if (!canTake(figures, amount)) {
        return { code: BROKER_CODES.INSUFFICIENT_BALANCE, why: `${available(figures).toString()} ${account.currency} withdrawable, ${amount.toString()} asked` };
      }
      movement = amount.negated();
    }
    await this.ledger.moveWithBank(manager, account, request.bankCode, movement, {
      source: 'TRANSFER',
      sourceId: transfer.transferId,
      businessDate: transfer.businessDate,
    });
    return undefined;
  }

  /**
   * F-4.3 B / F-4.4 B. Every answer is recorded against the reversal's own serial (its repeat gets it
   * again); 0000 and 2005 also bar the original's serial for ever. A 2008 leaves the credited deposit as
   * it is and marks it for an operator (failure REVERSAL_REFUSED_FUNDS_USED on the transfer, shown by
   * GET /v1/transfers, an ERROR log, and a `transfer.manual-case-raised` for the operators' queue, raised
   * once: a repeat of the reversal is answered from its record): the bank has debited its customer once and
   * we credited once, so the books agree, but the bank wanted the money back and only a person can settle that.
   */
  private async reverse(manager: EntityManager, request: InboundRequest, fn: ReversalFunction): Promise<void> {
    const cancelled = request.cancelledRef;
    const amount = request.amount === undefined ? undefined : readAmount(request);
    if (!cancelled || (request.amount !== undefined && !amount)) return this.reply(manager, request, BROKER_CODES.MESSAGE_FORMAT);
    await lockBankSerials(manager, request.bankCode, [request.serialNo, cancelled.serialNo]);
    const earlier = await this.reversals.find(manager, request.bankCode, request.serialNo);
    if (earlier) {
      if (!sameReversal(earlier, request, fn, amount)) return this.refuseReusedSerial(manager, request, `the bank's reversal ${request.serialNo}`);
      return this.reply(manager, request, earlier.return_code, earlier.our_serial_no);
    }
    const usedByTransfer = await this.transfers.findBySerial(manager, 'B', request.bankCode, request.serialNo);
    if (usedByTransfer) return this.refuseReusedSerial(manager, request, `transfer ${usedByTransfer.transferId}`);

    const original = await this.transfers.lockBySerial(manager, 'B', request.bankCode, cancelled.serialNo);
    const account = original ? await this.ledger.lock(manager, original.fundAccountNo, original.currency) : null;
    if (original && !account) throw new Error(`ledger of ${original.fundAccountNo} ${original.currency} vanished under transfer ${original.transferId}`);
    const touching = original ? undefined : await this.reversals.touching(manager, request.bankCode, cancelled.serialNo);
    const verdict = reversalVerdict({
      reversal: {
        function: fn,
        // By issuer type only, as originals are keyed (initiator B and the session's bank), not by RefIssr.
        namesOwnRequest: cancelled.issuerType === 'B',
        fundAccountNo: request.fundAccountNo,
        currency: request.currency,
        amount,
        bankAccountNo: request.bankAccountNo,
      },
      original: original
        ? { type: original.type, status: original.status, fundAccountNo: original.fundAccountNo, currency: original.currency, amount: Money.fromDb(original.amount), bankAccountNo: original.bankAccountNo }
        : undefined,
      namesAReversal: touching?.own ?? false,
      alreadyReversed: touching !== undefined && !touching.own,
      available: account ? available(this.ledger.figures(account)) : undefined,
      relationship: account ? relationshipWith(account, request.bankCode) : undefined,
    });

    const businessDate = movementDate(await this.bankDays.of(manager, request.bankCode), request.businessDate, this.businessDays);
    const ourSerialNo = await nextSerialNo(manager, TRANSFER_SERIALS, 'transfer', businessDate);
    const what = `bank ${INSTRUCTION_CODES[fn]} ${request.serialNo}`;
    const log = { bankCode: request.bankCode, serialNo: request.serialNo, cancelledSerialNo: cancelled.serialNo, transferId: original?.transferId, returnCode: verdict.code };
    if (original && verdict.code === '0000') {
      await this.undo(manager, original, account!, verdict.action, businessDate);
      await this.transfers.writeSettled(manager, Object.assign(original, {
        status: 'REVERSED',
        failureCode: 'BANK_REVERSED',
        failureMessage: original.failureMessage ? `reversed by ${what}; before that: ${original.failureMessage}` : `reversed by ${what}`,
        ...attemptsAfter(original, `${this.clock.now().toISOString()} ${what}: 0000 reversed (${verdict.action})`),
      }));
      this.metrics.reached(manager, original, 'REVERSED');
      this.logger.log(log, 'bank reversal done');
    } else if (original && verdict.code === '2008') {
      await this.transfers.writeSettled(manager, Object.assign(original, {
        failureCode: 'REVERSAL_REFUSED_FUNDS_USED',
        failureMessage: `${what} refused 2008, needs manual handling: ${reasonOf(verdict)}`,
        ...attemptsAfter(original, `${this.clock.now().toISOString()} ${what}: 2008 refused, ${reasonOf(verdict)}`),
      }));
      this.logger.error({ ...log, why: reasonOf(verdict) }, 'bank reversal refused because the credited funds were used; the deposit stands and needs manual handling');
      await this.cases.raise(manager, {
        cause: 'REVERSAL_REFUSED_FUNDS_USED',
        subject: [request.bankCode, request.serialNo],
        bankCode: request.bankCode,
        businessDate,
        description: `${what} of ${original.amount} to fund account ${original.fundAccountNo} refused 2008: ${reasonOf(verdict)}; the bank wants its money back`,
        transferId: original.transferId,
        initiator: 'B',
        serialNo: request.serialNo,
        functionCode: INSTRUCTION_CODES[fn],
        fundAccountNo: original.fundAccountNo,
        currency: original.currency as Currency,
        amount: Money.fromDb(original.amount),
        bankReturnCode: verdict.code,
      });
    } else {
      this.logger.warn({ ...log, why: reasonOf(verdict) }, verdict.code === '2005' ? 'bank reversed a transfer we never saw; its serial is barred' : 'bank reversal refused');
    }
    await this.reversals.record(manager, {
      bankCode: request.bankCode,
      serialNo: request.serialNo,
      function: fn,
      cancelledSerialNo: cancelled.serialNo,
      transferId: original?.transferId ?? null,
      fundAccountNo: request.fundAccountNo,
      currency: request.currency,
      amount: amount?.toString() ?? null,
      bankAccountNo: request.bankAccountNo ?? null,
      returnCode: verdict.code,
      reason: reasonOf(verdict) ?? null,
      ourSerialNo,
      businessDate,
    });
    return this.reply(manager, request, verdict.code, ourSerialNo);
  }

  /** Takes the original's effect back out of the ledger: one balanced posting against the same transfer. */
  private async undo(manager: EntityManager, original: Transfer, account: LedgerAccount, action: 'DEBIT_BACK' | 'CREDIT_BACK' | 'MARK_REVERSED', businessDate: string): Promise<void> {
    if (action === 'MARK_REVERSED') return;
    const amount = Money.fromDb(original.amount);
    await this.ledger.moveWithBank(manager, account, original.bankCode, action === 'DEBIT_BACK' ? amount.negated() : amount, {
      source: 'TRANSFER',
      sourceId: original.transferId,
      businessDate,
    });
  }

  /** F-4.6 B: Rst 0000 (the query worked) and `OrgRst`, the queried request's result now; changes nothing. */
  private async query(manager: EntityManager, request: InboundRequest): Promise<void> {
    if (!request.queriedRef) return this.reply(manager, request, BROKER_CODES.MESSAGE_FORMAT);
    return this.reply(manager, request, BROKER_CODES.OK, undefined, await this.answerQuery(manager, request.bankCode, request.queriedRef));
  }

  /**
   * F-3.9 B (11008): the fund ledger's balance, available and withdrawable, computed as GET …/balances does;
   * changes nothing and records nothing (a repeat is simply answered again, with the figures then). The fund
   * password was verified by the adapter; a wrong one was counted there once per bank serial. A read needs no
   * outbox-style effect, but its reply still goes through the outbox like every other answer on this path, so
   * there is one way a reply reaches the adapter.
   */
  private async queryFundBalance(manager: EntityManager, request: InboundRequest): Promise<void> {
    if (!request.fundAccountNo) return this.reply(manager, request, BROKER_CODES.MESSAGE_FORMAT);
    // Under the ledger's row lock, as transfers read it: the answer waits for a transfer in flight on the account and includes it.
    const ledger = await this.ledger.lock(manager, request.fundAccountNo, request.currency);
    const verdict = fundBalanceQueryVerdict({
      bankCode: request.bankCode,
      ledger: ledger ? { custodyStatus: ledger.custodyStatus, bankCode: ledger.bankCode, figures: this.ledger.figures(ledger) } : undefined,
      otherCurrency: !ledger && (await this.ledger.hasAnyLedger(manager, request.fundAccountNo)),
      fundPassword: request.fundPassword,
    });
    if (verdict.code === BROKER_CODES.OK) return this.reply(manager, request, verdict.code, undefined, { fundBalances: verdict.balances });
    this.logger.warn({ bankCode: request.bankCode, serialNo: request.serialNo, returnCode: verdict.code, why: verdict.why }, 'bank fund balance query refused');
    return this.reply(manager, request, verdict.code);
  }

  private async answerQuery(manager: EntityManager, bankCode: string, ref: MessageRef): Promise<QueryAnswer> {
    // S: one of our serials to this bank (the saga's transfers); B: one of the bank's.
    const transfer = await this.transfers.findBySerial(manager, ref.issuerType, bankCode, ref.serialNo);
    if (transfer) {
      return {
        originalReturnCode: originalResult(transfer.status, transfer.bankReturnCode),
        queriedOriginal: {
          ourSerialNo: transfer.ourSerialNo,
          fundAccountNo: transfer.fundAccountNo,
          bankAccountNo: transfer.bankAccountNo ?? undefined,
          currency: transfer.currency as Currency,
          amount: Money.fromDb(transfer.amount),
        },
      };
    }
    if (ref.issuerType === 'B') {
      const touching = await this.reversals.touching(manager, bankCode, ref.serialNo);
      // A query of the bank's own reversal gets what we answered it; a serial its reversal barred is reversed.
      if (touching?.own) return { originalReturnCode: touching.returnCode };
      if (touching) return { originalReturnCode: BROKER_CODES.ALREADY_REVERSED };
    }
    return { originalReturnCode: BROKER_CODES.QUERIED_NEVER_SEEN };
  }
}

/**
 * Serialises every request about one bank serial (an original, its reversals, a reuse of the serial) for
 * the rest of the transaction, so a reversal and its late original can never both pass their checks.
 * Taken in a fixed order, so two requests locking the same pair cannot deadlock.
 */
async function lockBankSerials(manager: EntityManager, bankCode: string, serialNos: string[]): Promise<void> {
  for (const serialNo of [...new Set(serialNos)].sort()) {
    await lockForTransaction(manager, `transfer.bank-serial|${bankCode}|${serialNo}`);
  }
}

function reasonOf(verdict: ReversalVerdict): string | undefined {
  return 'why' in verdict ? verdict.why : undefined;
}

function readAmount(request: InboundRequest): Money | undefined {
  if (request.amount === undefined) return undefined;
  try {
    return Money.parse(request.amount, 'positive');
  } catch (e) {
    if (e instanceof AmountFormatError) return undefined;
    throw e;
  }
}

/**
 * Whether a request with an already processed serial is that same transfer again (a resend or a
 * duplicate delivery) rather than another one under the same serial. An unreadable amount is not the
 * recorded one.
 */
function sameContent(earlier: Transfer, request: InboundRequest, type: TransferType, amount: Money | undefined): boolean {
  if (earlier.type !== type) return false;
  if (earlier.fundAccountNo !== request.fundAccountNo || earlier.currency.trim() !== request.currency) return false;
  if (!amount || !Money.fromDb(earlier.amount).equals(amount)) return false;
  return earlier.bankAccountNo === (request.bankAccountNo ?? null);
}

/** The same for a reversal's serial: the same original, account, currency and (given or not) amount. */
function sameReversal(earlier: RecordedReversal, request: InboundRequest, fn: ReversalFunction, amount: Money | undefined): boolean {
  if (earlier.function !== fn || earlier.cancelled_serial_no !== request.cancelledRef?.serialNo) return false;
  if (earlier.fund_account_no !== request.fundAccountNo || earlier.currency !== request.currency) return false;
  if ((earlier.amount === null) !== (amount === undefined) || (amount && !Money.fromDb(earlier.amount!).equals(amount))) return false;
  return earlier.bank_account_no === (request.bankAccountNo ?? null);
}

/** The fund ledger's relationship with a bank, as a reversal of that bank's needs it (`reversalVerdict`). */
function relationshipWith(account: LedgerAccount, bankCode: string): 'LINKED' | 'CHANGING' | 'ENDED' {
  if (account.bankCode !== bankCode || (account.custodyStatus !== 'DESIGNATED' && account.custodyStatus !== 'PRE_DESIGNATED')) return 'ENDED';
  return account.closedFor === null ? 'LINKED' : 'CHANGING';
}
