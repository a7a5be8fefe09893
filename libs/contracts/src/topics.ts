import { z } from 'zod';
import { defineTopic, type TopicDef, topicsPerBank } from './envelope';
import { bankBalancesSchema } from './custody-function-topics';
import { transferSummarySchema } from './day-close-topics';
import {
  money,
  moneySchema,
  bankCodeSchema,
  businessDateSchema,
  currencySchema,
  relationshipAccountStatusSchema,
  returnCodeSchema,
  sealedSecretSchema,
  serialNoSchema,
} from './primitives';

// ---- account → everyone: custody relationships (F-3.x) ----

/**
 * How a relationship is opened at the bank: `DESIGNATE` (F-3.3 S, 11001) with the customer's bank account and its
 * password, or `PRE_DESIGNATE` (F-3.1, 11002) with neither — the bank opens the custody account alone, and the
 * customer confirms at the bank's counter later (F-3.2, 11003 B).
 */
export const designationModeSchema = z.enum(['DESIGNATE', 'PRE_DESIGNATE']);
export type DesignationMode = z.infer<typeof designationModeSchema>;

export const designationRequested = defineTopic(
  'designation.requested',
  1,
  z
    .object({
      relationshipId: z.string().uuid(),
      serialNo: serialNoSchema,
      /** Absent on a request from before pre-designation existed: a designation. */
      mode: designationModeSchema.default('DESIGNATE'),
      fundAccountNo: z.string().min(1),
      currency: currencySchema,
      bankCode: bankCodeSchema,
      bankAccountNo: z.string().min(1).optional(),
      bankPassword: sealedSecretSchema.optional(),
      customer: z.object({
        customerNo: z.string().min(1),
        name: z.string().min(1),
        type: z.enum(['INDIVIDUAL', 'INSTITUTION']),
        idType: z.string().min(1),
        idNumber: sealedSecretSchema,
      }),
    })
    .refine((request) => request.mode === 'PRE_DESIGNATE' || (request.bankAccountNo !== undefined && request.bankPassword !== undefined), {
      message: 'a designation (11001) carries the bank account and its password',
      path: ['bankAccountNo'],
    })
    .refine((request) => request.mode === 'DESIGNATE' || (request.bankAccountNo === undefined && request.bankPassword === undefined), {
      message: 'a pre-designation (11002) carries no bank account (bank-protocol.md §4.1)',
      path: ['bankAccountNo'],
    }),
);

const designationResolutionSchema = z.object({
  relationshipId: z.string().uuid(),
  fundAccountNo: z.string().min(1),
  currency: currencySchema,
  bankCode: bankCodeSchema,
  /** Absent for a pre-designation: the customer names the bank account when confirming at the bank (F-3.2). */
  bankAccountNo: z.string().min(1).optional(),
  status: z.enum(['DESIGNATED', 'PRE_DESIGNATED', 'FAILED']),
  custodyAccountNo: z.string().optional(),
  /**
   * For the day files of the relationship's owner (CHK02/CHK03): the bank day the 11001 was made on, the bank's
   * serial from its reply, and the opening balance the 11001 carried (CHK03 `金额`).
   */
  businessDate: businessDateSchema.optional(),
  bankSerialNo: z.string().optional(),
  openingBalance: money.optional(),
  failure: z.object({ code: z.string(), bankReturnCode: returnCodeSchema.optional(), message: z.string() }).optional(),
});

/** The saga's verdict on a designation (F-3.3 S) or a pre-designation (F-3.1); the transfer service links the ledger first. */
export const designationResolved = defineTopic('designation.resolved', 1, designationResolutionSchema);

/**
 * The verdict once the ledger has applied it: only then does account show the relationship DESIGNATED, so a
 * caller who sees DESIGNATED can transfer at once.
 */
export const designationApplied = defineTopic('designation.applied', 1, designationResolutionSchema);

export const fundAccountOpened = defineTopic(
  'fund-account.opened',
  1,
  z.object({
    fundAccountNo: z.string().min(1),
    customerNo: z.string().min(1),
    currency: currencySchema,
    role: z.enum(['PRIMARY', 'AUXILIARY']),
    /** For the day files the ledger's owner writes (客户名称, 证券机构分支号 of CHK01/CHK04). */
    customerName: z.string().min(1).optional(),
    branchId: z.string().min(1).optional(),
  }),
);

/**
 * A customer's name changed (`PUT /v1/customers/{customerNo}` on an existing customer with another name). One event per
 * fund account of the customer, keyed by that fund account number: on its partition it comes after the account's
 * `fund-account.opened` (both are written under the customer's row lock), so a consumer that keeps the name per fund
 * account (客户名称 of the day files it writes) sets it from this event and ends with the newest name.
 */
export const customerRenamed = defineTopic(
  'customer.renamed',
  1,
  z.object({
    customerNo: z.string().min(1),
    fundAccountNo: z.string().min(1),
    customerName: z.string().min(1),
  }),
);

// ---- account ↔ transfer: which of a customer's fund accounts is primary (domain.md §13) ----

const primaryChangeSchema = z.object({
  changeId: z.string().uuid(),
  customerNo: z.string().min(1),
  /** The fund account that becomes primary. */
  fundAccountNo: z.string().min(1),
  /** The customer's primary until now; it becomes auxiliary. */
  previousPrimaryFundAccountNo: z.string().min(1),
});

/**
 * `POST /v1/fund-accounts/{fundAccountNo}/make-primary`, recorded PENDING by account. The transfer service decides,
 * because it owns the holds that may refuse it: under the ledger rows' locks, so no trading hold can slip in
 * between its check and the role change.
 */
export const primaryChangeRequested = defineTopic('primary-change.requested', 1, primaryChangeSchema);

/** The transfer service's verdict, its ledgers' roles already changed when APPLIED; account then changes its own. */
export const primaryChangeResolved = defineTopic(
  'primary-change.resolved',
  1,
  primaryChangeSchema.extend({
    status: z.enum(['APPLIED', 'REFUSED']),
    /** Why a REFUSED change was refused (the problem's `detail`). */
    refusal: z.string().min(1).optional(),
  }),
);

// ---- transfer ↔ saga: bank-securities transfers (F-4.x) ----

export const transferTypeSchema = z.enum(['BANK_TO_SECURITIES', 'SECURITIES_TO_BANK']);

export const transferRequested = defineTopic(
  'transfer.requested',
  1,
  z.object({
    transferId: z.string().uuid(),
    type: transferTypeSchema,
    serialNo: serialNoSchema,
    businessDate: businessDateSchema,
    fundAccountNo: z.string().min(1),
    currency: currencySchema,
    amount: money,
    bankCode: bankCodeSchema,
    bankAccountNo: z.string().min(1),
    bankPassword: sealedSecretSchema.optional(),
  }),
);

export const transferStatusSchema = z.enum(['PENDING', 'SUCCEEDED', 'FAILED', 'UNKNOWN', 'REVERSED']);

/**
 * Why the saga failed a securities-initiated transfer: the breaker refused it before anything was sent
 * (`BANK_UNAVAILABLE`), the bank refused it, its return code beside (`BANK_REJECTED`), or the bank's day had
 * ended (13011) before it could be sent, so it never was (`DAY_CLOSED`, bank-protocol.md §7 step 3).
 */
export const TRANSFER_OUTCOME_FAILURE_CODES = ['BANK_UNAVAILABLE', 'BANK_REJECTED', 'DAY_CLOSED'] as const;
export type TransferOutcomeFailureCode = (typeof TRANSFER_OUTCOME_FAILURE_CODES)[number];

/** The saga's verdict on a securities-initiated transfer; the transfer service applies it to the ledger. */
export const transferOutcome = defineTopic(
  'transfer.outcome',
  1,
  z.object({
    transferId: z.string().uuid(),
    status: transferStatusSchema,
    bankSerialNo: z.string().optional(),
    failure: z.object({ code: z.enum(TRANSFER_OUTCOME_FAILURE_CODES), bankReturnCode: returnCodeSchema.optional(), message: z.string() }).optional(),
    /** What has been tried so far to end an UNKNOWN (query, resend, reversal), for operators. */
    attempt: z.string().optional(),
  }),
);

// ---- saga ↔ bank-adapter: calls to a bank (a topic per bank, keyed by bankCode) ----

/**
 * The bank functions the hub speaks (bank-protocol.md §4): the day's start (13012, with `businessDate` the
 * broker's D), end (13011) and summary check (13010, with `summary`), 11001, 11002, 12001, 12002, the reversals 12003
 * (of a 12001) and 12004 (of a 12002), and the result query 12005; 11003, 11008 (the fund ledger balance) and 11010
 * (another currency on a relationship), which only a bank starts, 11011 (account status change), 11006 (bank account
 * change), 11005 (customer data change), 11007 (identity check) and 11004 (cancellation), which either side starts,
 * and 11009 (the bank settlement account's balance), which only the broker starts. `DESIGNATE` is 11001 whoever starts
 * it: a call the saga makes, or a request the bank makes.
 */
export const bankFunctionSchema = z.enum([
  'DAY_START',
  'DAY_END',
  'SUMMARY_CHECK',
  'DESIGNATE',
  'PRE_DESIGNATE',
  'CONFIRM_DESIGNATION',
  'CANCEL_DESIGNATION',
  'CHANGE_ACCOUNT_STATUS',
  'CHANGE_BANK_ACCOUNT',
  'CHANGE_CUSTOMER',
  'BANK_TO_SECURITIES',
  'SECURITIES_TO_BANK',
  'REVERSE_BANK_TO_SECURITIES',
  'REVERSE_SECURITIES_TO_BANK',
  'QUERY_RESULT',
  'QUERY_FUND_BALANCE',
  'QUERY_BANK_BALANCE',
  'CHECK_IDENTITY',
  'REGISTER_CURRENCY',
]);
export type BankFunction = z.infer<typeof bankFunctionSchema>;

/** A call the saga asks a bank's adapter to make. */
export const bankCallRequestedSchema = z.object({
  callId: z.string().uuid(),
  bankCode: bankCodeSchema,
  function: bankFunctionSchema,
  serialNo: serialNoSchema,
  businessDate: businessDateSchema,
  /** F-4.5: a deliberate business re-send of an earlier request, with the same serial. */
  resend: z.boolean().default(false),
  /**
   * How long the adapter may hold the call, from when it receives it, before writing it; past that it
   * reports NOT_SENT and never writes it. A duration, not an instant: it is measured on the adapter's own
   * clock, so a skew between the saga's host and the adapter's changes nothing. The saga's persisted
   * deadline for the call (its own clock) covers this budget plus the bank's requestTimeoutMs.
   */
  sendWithinMs: z.number().int().positive().max(60_000),
  /** The account the call is about; absent only on the day's calls (DAY_START, DAY_END), which are about none. */
  fundAccountNo: z.string().min(1).optional(),
  currency: currencySchema.optional(),
  amount: money.optional(),
  bankAccountNo: z.string().optional(),
  bankPassword: sealedSecretSchema.optional(),
  /** For QUERY_RESULT (12005): the serial whose outcome is asked, and the function it carried. */
  queriedSerialNo: serialNoSchema.optional(),
  queriedFunction: bankFunctionSchema.optional(),
  /** For REVERSE_* (12003/12004): our serial of the original request to undo (`CnRef`). */
  cancelledSerialNo: serialNoSchema.optional(),
  customer: z
    .object({
      name: z.string(),
      type: z.enum(['INDIVIDUAL', 'INSTITUTION']),
      idType: z.string(),
      idNumber: sealedSecretSchema,
      /** CHANGE_CUSTOMER (11005): the contact data the customer has (`Mobile`, `Addr`, `Email`). */
      phone: z.string().optional(),
      address: z.string().optional(),
      email: z.string().optional(),
    })
    .optional(),
  /** CHANGE_BANK_ACCOUNT (11006): the account the relationship takes (`NewBkAcct`); `bankAccountNo` is the one it leaves. */
  newBankAccountNo: z.string().optional(),
  openingBalance: money.optional(),
  /**
   * CANCEL_DESIGNATION (11004): `ScBal`, the balance leaving the custody account (profile §4.1) — 0.00 for a cancellation
   * (F-3.8), the whole balance for a change of custodian bank (F-3.6).
   */
  balanceLeaving: money.optional(),
  /** CHANGE_ACCOUNT_STATUS (11011 S): the new status, sent in `ScAcct/Status` (profile §4.1). */
  accountStatus: relationshipAccountStatusSchema.optional(),
  /** SUMMARY_CHECK (13010): the broker's figures of D (`TrfSumStamt`). */
  summary: transferSummarySchema.optional(),
});
export type BankCallRequest = z.infer<typeof bankCallRequestedSchema>;
/** A call as the saga passes it (amounts as `Money`, `resend` may be left out). */
export type BankCallRequestInput = z.input<typeof bankCallRequestedSchema>;

/**
 * The calls to one bank: a topic per bank (`custody.internal.bank.call-requested.<bankCode>.1`, `topicsPerBank`), so a
 * bank's adapter reads its own bank's calls and nothing else, and a slow bank's backlog sits on partitions no other
 * adapter shares (issue 9). Topics exist for every configured bank: the saga creates them at start from the bank list
 * of the configuration, and each adapter its own, so adding a bank to the configuration is enough.
 */
export const bankCallRequestedFor: (bankCode: string) => TopicDef<BankCallRequest, BankCallRequestInput> = topicsPerBank(
  'bank.call-requested',
  1,
  bankCallRequestedSchema,
  'a call',
);

const BANK_CALL_TOPIC_NAME = /^custody\.internal\.bank\.call-requested\.([A-Za-z0-9-]{1,12})\.1$/;

/** The bank whose calls a topic carries (a name `bankCallRequestedFor` gives), or undefined for any other topic. */
export function bankOfCallTopic(topicName: string): string | undefined {
  return BANK_CALL_TOPIC_NAME.exec(topicName)?.[1];
}

/**
 * How a bank call ended, as the adapter saw it:
 * - REPLIED: the bank answered (returnCode says how);
 * - NOT_SENT: no copy of this call was written and none ever will be (breaker open, no signed-in session,
 *   send budget spent) — definite. The adapter records it durably before it says so, and no delivery of
 *   the call on any replica writes it afterwards (bank-adapter `call_claims`);
 * - NO_REPLY: the call may have been written — by this delivery or an earlier one on any replica — and no
 *   readable answer is in hand: UNKNOWN for the initiator, who asks the bank.
 */
export const bankCallCompleted = defineTopic(
  'bank.call-completed',
  1,
  z.object({
    callId: z.string().uuid(),
    bankCode: bankCodeSchema,
    function: bankFunctionSchema,
    serialNo: serialNoSchema,
    outcome: z.enum(['REPLIED', 'NOT_SENT', 'NO_REPLY']),
    returnCode: returnCodeSchema.optional(),
    returnMessage: z.string().optional(),
    bankSerialNo: z.string().optional(),
    custodyAccountNo: z.string().optional(),
    /** For QUERY_RESULT: `OrgRst`, the queried original's result code. */
    originalReturnCode: returnCodeSchema.optional(),
    /** For QUERY_BANK_BALANCE replied 0000 with both: `BkBal` of type 0 (balance) and 1 (available). */
    bankBalances: bankBalancesSchema.optional(),
    /** For SUMMARY_CHECK replied 0000: `TrfSumCnfm`'s `ChkRst` and `BkEntry` (the bank's figures). */
    summaryCheck: z.object({ checkReturnCode: returnCodeSchema, bank: transferSummarySchema.optional() }).optional(),
    reason: z.string().optional(),
  }),
);

// ---- saga → everyone: the day at each bank (bank-protocol.md §7, domain.md §15) ----

/** The phases of one bank's day (api.md `GET /v1/day`), in the order a day goes through them. */
export const DAY_PHASES = ['NOT_STARTED', 'OPEN', 'ENDING', 'ENDED', 'RECONCILING', 'AWAITING_ADJUSTMENTS', 'RECONCILED', 'DEFERRED'] as const;
export const dayPhaseSchema = z.enum(DAY_PHASES);
export type DayPhase = z.infer<typeof dayPhaseSchema>;

/**
 * A bank's day moved to a new phase (keyed by bank code): OPEN once the bank answered 13012 for the date,
 * ENDING when the window closed or an operator closed it (no new transfers), ENDED once 13011 was answered
 * (the snapshot of the date is taken), … The transfer service decides from it which transfers a bank may
 * still take and which business date they carry.
 */
export const bankDayChanged = defineTopic(
  'day.bank-day-changed',
  1,
  z.object({
    bankCode: bankCodeSchema,
    businessDate: businessDateSchema,
    phase: dayPhaseSchema,
    deferredReason: z.string().optional(),
    /**
     * ENDED only: the transfers of the date at this bank the saga still held open when 13011 was answered (each
     * told UNKNOWN), i.e. every other transfer of the date has had its last outcome. The transfer service writes
     * its CHK01 once its own books agree (bank-protocol.md §5: what a side lists is its snapshot at 13011).
     */
    snapshot: z.object({ unsettledTransferIds: z.array(z.string().uuid()) }).optional(),
    changedAt: z.string().datetime(),
  }),
);

/** The broker switched its business date (every bank reconciled or deferred); each bank's new day follows. */
export const businessDateSwitched = defineTopic(
  'day.business-date-switched',
  1,
  z.object({ businessDate: businessDateSchema, previousBusinessDate: businessDateSchema, switchedAt: z.string().datetime() }),
);

// ---- bank-adapter ↔ owners: bank-initiated requests and their replies ----

/** Where the reply must go: the adapter instance and session that hold the bank's request. */
export const replyRouteSchema = z.object({
  adapterInstanceId: z.string().min(1),
  sessionId: z.string().min(1),
  requestRef: z.object({ serialNo: serialNoSchema, issuerType: z.enum(['B', 'S']), issuerId: z.string().min(1) }),
});

/** A `Ref` as the bank wrote it: serial, issuer type and issuer. */
const messageRefSchema = replyRouteSchema.shape.requestRef;

/**
 * What the customer's fund password proved, for a bank-initiated withdrawal (F-4.2 B), fund balance query
 * (F-3.9 B) or designation (F-3.3 B). The adapter holds the session's PIN key, so it decrypts the PIN block and asks the account service
 * to verify it at once;
 * neither the block nor the password ever leaves the adapter. MISSING: no PIN block in the request;
 * UNREADABLE: a block that does not decrypt to a format-0 PIN; NOT_SET: the customer has no fund password;
 * LOCKED: too many wrong passwords in a row (the account service counts them).
 */
export const fundPasswordCheckSchema = z.enum(['MATCHED', 'MISMATCHED', 'LOCKED', 'NOT_SET', 'MISSING', 'UNREADABLE']);

/**
 * A request the bank started, for its owner: 12001/12002 (fields as the bank sent them, the owner
 * validates), 12003/12004 with `cancelledRef`, 12005 with `queriedRef`, 11008 (F-3.9 B) with `fundPassword`.
 */
export const bankRequestReceived = defineTopic(
  'bank.request-received',
  1,
  z.object({
    inboundId: z.string().uuid(),
    bankCode: bankCodeSchema,
    route: replyRouteSchema,
    function: bankFunctionSchema,
    serialNo: serialNoSchema,
    businessDate: businessDateSchema,
    resend: z.boolean().default(false),
    /** When the adapter read it off the session: past the bank's replyDeadlineMs the bank has given up on it. */
    receivedAt: z.string().datetime(),
    /** Empty when the request named none (a 12005 may name only the serial). */
    fundAccountNo: z.string(),
    currency: z.string(),
    /** As the bank wrote it; absent on a 12005 or a reversal that did not repeat it. */
    amount: z.string().optional(),
    bankAccountNo: z.string().optional(),
    /** 12003/12004: the original request to undo (`CnRef`). */
    cancelledRef: messageRefSchema.optional(),
    /** 12005: the request whose outcome the bank asks (`QryRef`). */
    queriedRef: messageRefSchema.optional(),
    /** 12002 and 11008: the adapter's verification of the fund password. */
    fundPassword: fundPasswordCheckSchema.optional(),
  }),
);

/** A customer as the bank identified them (`Cust`): the ID number sealed by the adapter, like the ones account sends out. */
const identitySchema = z.object({ name: z.string(), idType: z.string(), idNumber: sealedSecretSchema });

const accountRequestFields = {
  inboundId: z.string().uuid(),
  bankCode: bankCodeSchema,
  route: replyRouteSchema,
  serialNo: serialNoSchema,
  businessDate: businessDateSchema,
  receivedAt: z.string().datetime(),
  fundAccountNo: z.string(),
  bankAccountNo: z.string().optional(),
};

/**
 * An account function the bank started, for its owner, the account service; answered through `bank.reply-ready`
 * like `bank.request-received`, which the transfer service reads and this never reaches. Fields as the bank sent
 * them (empty when it named none): the owner validates.
 * - F-3.2 B (11003): the customer the bank identified;
 * - F-3.3 B (11001): the customer the bank identified and the adapter's verification of the fund password the
 *   customer typed (`ScAcct/Pwd` Type 1, profile §4.1), as on a 12002 B;
 * - 11010 B (another currency on a relationship): the customer the bank identified, no password;
 * - 11011 B: the new status the bank sent in `BkAcct/Status`, for every currency of the fund account;
 * - F-3.4 B (11006): the old bank account in `bankAccountNo`, the new one (`NewBkAcct`) and, when the bank named
 *   them (`Cust`), the customer it identified, the ID number sealed;
 * - F-3.5 B (11005): the customer's new data (`Cust`: the full name and ID document, the contact data where the
 *   bank sent it), the ID number sealed, for every currency of the fund account;
 * - F-3.11 B (11007): the identity the bank read off the customer's document, ID number sealed as for 11003, and the
 *   adapter's verdict on the fund password (`Pwd` Type 0) when the customer typed one (absent when none was sent);
 * - F-3.8 B (11004): the relationship of one currency to cancel, `bankAccountNo` absent when the bank named none (a
 *   pre-designated relationship), and `leavingBalance`, the `ScBal` it sent (profile §4.1: absent or 0.00 for a
 *   cancellation). Its `Cust` is not forwarded: the broker decides on the relationship and the ledger, not on who the
 *   bank served (docs/design.md, F-3.8 B).
 */
export const bankAccountRequestReceived = defineTopic(
  'bank.account-request-received',
  1,
  z.discriminatedUnion('function', [
    z.object({ ...accountRequestFields, function: z.literal('CONFIRM_DESIGNATION'), currency: z.string(), customer: identitySchema }),
    z.object({
      ...accountRequestFields,
      function: z.literal('DESIGNATE'),
      currency: z.string(),
      customer: identitySchema,
      fundPassword: fundPasswordCheckSchema.optional(),
    }),
    z.object({ ...accountRequestFields, function: z.literal('REGISTER_CURRENCY'), currency: z.string(), customer: identitySchema }),
    z.object({ ...accountRequestFields, function: z.literal('CHANGE_ACCOUNT_STATUS'), accountStatus: relationshipAccountStatusSchema }),
    z.object({
      ...accountRequestFields,
      function: z.literal('CHANGE_BANK_ACCOUNT'),
      currency: z.string(),
      newBankAccountNo: z.string().optional(),
      customer: identitySchema.optional(),
    }),
    z.object({ ...accountRequestFields, function: z.literal('CANCEL_DESIGNATION'), currency: z.string(), leavingBalance: money.optional() }),
    z.object({
      ...accountRequestFields,
      function: z.literal('CHANGE_CUSTOMER'),
      customer: identitySchema.extend({ phone: z.string().optional(), address: z.string().optional(), email: z.string().optional() }),
    }),
    z.object({
      ...accountRequestFields,
      function: z.literal('CHECK_IDENTITY'),
      currency: z.string(),
      customer: identitySchema,
      fundPassword: fundPasswordCheckSchema.optional(),
    }),
  ]),
);

/**
 * F-3.2 B: account accepted the bank's confirmation (11003) of a pre-designated relationship and recorded it
 * DESIGNATED with the customer's bank account. The transfer service links the ledger (transfers open) and only
 * then answers the bank (`bank.reply-ready`, 0000 to `reply`): the bank may start a deposit as soon as it reads it.
 */
export const designationConfirmed = defineTopic(
  'designation.confirmed',
  1,
  z.object({
    relationshipId: z.string().uuid(),
    fundAccountNo: z.string().min(1),
    currency: currencySchema,
    bankCode: bankCodeSchema,
    bankAccountNo: z.string().min(1),
    /** The bank's request this answers; filled in from `bank.account-request-received`. */
    reply: z.object({ inboundId: z.string().uuid(), route: replyRouteSchema }),
  }),
);

/**
 * F-3.3 B (11001) or 11010 B: account accepted the bank's designation of a fund account (in a currency) or its
 * registration of another currency on the fund account's relationship with it, and recorded the relationship
 * DESIGNATED with the customer's bank account. The transfer service links the ledger (transfers open), and only then
 * answers the bank (`bank.reply-ready`, 0000 to `reply`, under our serial `serialNo`) with `ScBal`, the ledger's
 * balance at that moment: the opening balance the bank opens the custody account with (profile §4.1). A repeat is
 * answered with the opening balance first given.
 */
export const designationOpenedAtBank = defineTopic(
  'designation.opened-at-bank',
  1,
  z.object({
    relationshipId: z.string().uuid(),
    function: z.enum(['DESIGNATE', 'REGISTER_CURRENCY']),
    /** Ours, of the relationship: the `Ref` of our reply (the bank lists it as the other side's serial). */
    serialNo: serialNoSchema,
    fundAccountNo: z.string().min(1),
    currency: currencySchema,
    bankCode: bankCodeSchema,
    bankAccountNo: z.string().min(1),
    /** The bank's request this answers; filled in from `bank.account-request-received`. */
    reply: z.object({ inboundId: z.string().uuid(), route: replyRouteSchema }),
  }),
);

/**
 * The opening balance the transfer service gave the bank for a relationship the bank opened (`designation.opened-at-bank`):
 * account records it as the 金额 of the day's 11001 or 11010 (CHK03, bank-protocol.md §5). Sent again with the same
 * figure on a repeat.
 */
export const openingBalanceGiven = defineTopic(
  'designation.opening-balance-given',
  1,
  z.object({
    relationshipId: z.string().uuid(),
    fundAccountNo: z.string().min(1),
    currency: currencySchema,
    bankCode: bankCodeSchema,
    openingBalance: moneySchema('non-negative'),
  }),
);

/**
 * 11011 B: account accepted the bank's status change (freeze, loss report, back to normal) of a fund account's
 * relationships with the bank, every currency, and recorded it. The transfer service sets the ledgers' status
 * (a frozen or lost one refuses transfers) and only then answers the bank (`bank.reply-ready`, 0000 to `reply`).
 * `accountStatus` is the relationships' status as account holds it now (a repeat of an older request carries the
 * newer status, never undoing a later change).
 */
export const relationshipStatusChanged = defineTopic(
  'relationship.status-changed',
  1,
  z.object({
    fundAccountNo: z.string().min(1),
    bankCode: bankCodeSchema,
    accountStatus: relationshipAccountStatusSchema,
    /** The bank's request this answers; filled in from `bank.account-request-received`. */
    reply: z.object({ inboundId: z.string().uuid(), route: replyRouteSchema }),
  }),
);

/**
 * F-3.4 B: account accepted the bank's change of a relationship's bank settlement account (11006, one currency) and
 * recorded the new one. The transfer service sets it on the ledger — transfers afterwards go to the new account —
 * and only then answers the bank (`bank.reply-ready`, 0000 to `reply`). `bankAccountNo` is the relationship's bank
 * account as account holds it now (a repeat of an older request carries the newer account, never undoing a later
 * change).
 */
export const relationshipBankAccountChanged = defineTopic(
  'relationship.bank-account-changed',
  1,
  z.object({
    relationshipId: z.string().uuid(),
    fundAccountNo: z.string().min(1),
    currency: currencySchema,
    bankCode: bankCodeSchema,
    bankAccountNo: z.string().min(1),
    /** The bank's request this answers; filled in from `bank.account-request-received`. */
    reply: z.object({ inboundId: z.string().uuid(), route: replyRouteSchema }),
  }),
);

/**
 * F-3.8 B: account found the relationship the bank's 11004 names live at that bank and hands the decision to the
 * transfer service, which holds what else a cancellation needs (zero balance, no hold, not frozen, no transfer in
 * flight: domain.md F-3.8). The transfer service answers the bank (`bank.reply-ready` to `reply`): a refusal, or 0000
 * once the ledger is closed in the same transaction, and then `relationship.ledger-closed` for account to mark the
 * relationship CANCELLED. `businessDate` is the bank day the function belongs to (account's `dateOfBankFunction`),
 * `bankSerialNo` the bank's serial, which also keys the ledger's answer for a repeat.
 */
export const relationshipCancellationAccepted = defineTopic(
  'relationship.cancellation-accepted',
  1,
  z.object({
    relationshipId: z.string().uuid(),
    fundAccountNo: z.string().min(1),
    currency: currencySchema,
    bankCode: bankCodeSchema,
    bankSerialNo: serialNoSchema,
    businessDate: businessDateSchema,
    /** The bank's request this answers; filled in from `bank.account-request-received`. */
    reply: z.object({ inboundId: z.string().uuid(), route: replyRouteSchema }),
  }),
);

/**
 * F-3.8 B: the transfer service closed the ledger of the relationship (it refuses every transfer from now on) and
 * answered the bank 0000 in that transaction; account marks the relationship CANCELLED and records the day's 11004
 * (B, `bankSerialNo`, on `businessDate`). Keyed by fund account, as the relationship's other events.
 */
export const relationshipLedgerClosed = defineTopic(
  'relationship.ledger-closed',
  1,
  z.object({
    relationshipId: z.string().uuid(),
    fundAccountNo: z.string().min(1),
    currency: currencySchema,
    bankCode: bankCodeSchema,
    bankSerialNo: serialNoSchema,
    businessDate: businessDateSchema,
  }),
);

/** An owner's answer to a request its bank started (`bank.request-received`, `bank.account-request-received`). */
export const bankReplyReadySchema = z.object({
  inboundId: z.string().uuid(),
  bankCode: bankCodeSchema,
  route: replyRouteSchema,
  function: bankFunctionSchema,
  returnCode: returnCodeSchema,
  returnMessage: z.string(),
  serialNo: serialNoSchema.optional(),
  /** For a 12005: `OrgRst`, the queried original's result (bank-protocol.md §4: 0000, its failure code, 2027, 2028, 2006). */
  originalReturnCode: returnCodeSchema.optional(),
  /**
   * For a 12005 whose original we booked: that transfer as we booked it. The reply carries our serial of
   * it as a second `QryRef` and its amount, so the bank can check it against its own (JR/T 0046 Table 35,
   * §5.18.4 g, h).
   */
  queriedOriginal: z
    .object({
      ourSerialNo: serialNoSchema,
      fundAccountNo: z.string().min(1),
      bankAccountNo: z.string().min(1).optional(),
      currency: currencySchema,
      amount: money,
    })
    .optional(),
  /** For a 11008 answered 0000 (F-3.9 B): the fund ledger's figures, `ScBal` Type 0, 1 and 2 (profile §4.1). */
  fundBalances: z.object({ balance: money, available: money, withdrawable: money }).optional(),
  /** For an 11001 or 11010 the bank started, answered 0000: `ScBal`, the opening balance the bank records (profile §4.1). */
  openingBalance: moneySchema('non-negative').optional(),
});
export type BankReplyReady = z.infer<typeof bankReplyReadySchema>;

/**
 * The answers to one bank's requests: a topic per bank (`topicsPerBank`), so an adapter reads its own bank's replies
 * only (issue 9). The account and transfer services create them at start for every configured bank.
 */
export const bankReplyReadyFor: (bankCode: string) => TopicDef<BankReplyReady, z.input<typeof bankReplyReadySchema>> = topicsPerBank(
  'bank.reply-ready',
  1,
  bankReplyReadySchema,
  'a reply',
);

/**
 * What a bank adapter process reports of its bank connection, on every change and every few seconds; the
 * saga keeps the latest per process for `GET /v1/banks`. `stopping` is its last word before it exits.
 */
export const bankStatusReported = defineTopic(
  'bank.status-reported',
  1,
  z.object({
    bankCode: bankCodeSchema,
    adapterInstanceId: z.string().min(1),
    sessionsUp: z.number().int().min(0),
    sessionsTotal: z.number().int().min(0),
    breaker: z.enum(['CLOSED', 'OPEN', 'HALF_OPEN']),
    reportedAt: z.string().datetime(),
    stopping: z.boolean().default(false),
  }),
);

export const deadLetterTopic = 'custody.internal.dead-letter.1';

// ---- transfer → settlement: inter-bank settlement instructions (domain.md §9) ----

/**
 * Money the day's settlement must move from one bank's summary account to another's: because the ledger already
 * moved it between two fund accounts of one customer held at those banks (F-4.7 internal transfer, `transferId`), or
 * because a fund account changed its custodian bank and its balance left the old bank's summary account for the new
 * one's (F-3.6, `functionId`: the change's request). Exactly one of the two names what it comes from.
 */
export const settlementInstructionRecorded = defineTopic(
  'settlement.instruction-recorded',
  1,
  z.object({
    instructionId: z.string().uuid(),
    transferId: z.string().uuid().optional(),
    functionId: z.string().uuid().optional(),
    businessDate: businessDateSchema,
    currency: currencySchema,
    amount: money,
    fromBankCode: bankCodeSchema,
    fromSummaryAccount: z.string().min(1),
    toBankCode: bankCodeSchema,
    toSummaryAccount: z.string().min(1),
  }).refine((i) => (i.transferId === undefined) !== (i.functionId === undefined), { message: 'an instruction comes from a transfer or a bank change, exactly one' }),
);
