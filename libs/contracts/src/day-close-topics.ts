import { z } from 'zod';
import { defineTopic } from './envelope';
import { bankCodeSchema, businessDateSchema, currencySchema, money, returnCodeSchema, serialNoSchema } from './primitives';

/*
 * The close of a bank's day after 13011 (bank-protocol.md §7 steps 4–7, api.md "Clearing and the day"):
 *
 *   saga ──reconciliation.broker-files-requested──▶ reconciliation ──(reads the owners' S files)──┐
 *   saga ◀──reconciliation.broker-files-ready─────  reconciliation  ◀────────────────────────────┘
 *   saga ──bank.call-requested.<bankCode> SUMMARY_CHECK (13010)──▶ adapter;  saga ──day.summary-checked──▶ reconciliation
 *   saga ──bank.file-step-requested (SEND | FETCH)──▶ adapter ──bank.file-step-completed──▶ saga
 *   bank's own 13005 (or a FETCH) ──▶ adapter ──bank.files-received──▶ reconciliation, saga
 *   reconciliation ──reconciliation.breaks-changed──▶ saga;  reconciliation ──adjustment.proposed──▶ transfer
 *   transfer (approvals, the effect) ──adjustment.changed──▶ reconciliation, saga
 *   transfer ──transfer.manual-case-raised──▶ reconciliation (same operator queue)
 *
 * Files themselves never travel on Kafka: the reconciliation service keeps every day file, sent and received
 * (its internal `/internal/v1/day-files/{bankCode}/{fileName}`), and messages name them.
 */

/** The day files of bank-protocol.md §5 this hub exchanges (DAT01–06 come with settlement and interest). */
export const DAY_FILE_TYPE_NAMES = ['CHK01', 'CHK02', 'CHK03', 'CHK04', 'DIF01', 'DIF02', 'DIF03', 'DIF04', 'DAT01', 'DAT02', 'DAT03', 'DAT04', 'DAT05', 'DAT06'] as const;
export const dayFileTypeSchema = z.enum(DAY_FILE_TYPE_NAMES);
export type DayFileTypeName = z.infer<typeof dayFileTypeSchema>;

/** `{S|B}_{TYPE}_{YYYYMMDD}.gz` (bank-protocol.md §5). */
export const dayFileNameSchema = z.string().regex(/^[SB]_(CHK0[1-4]|DIF0[1-4]|DAT0[1-6])_\d{8}\.gz$/);

/** What 13008 and 13005 say of a whole file: its name, length and SM3 `FileMac` of the `.gz`. */
export const dayFileDescriptorSchema = z.object({
  fileName: dayFileNameSchema,
  side: z.enum(['S', 'B']),
  type: dayFileTypeSchema,
  businessDate: businessDateSchema,
  /** §7.22 `BusCode`, e.g. `0001` for CHK01. */
  busCode: z.string().regex(/^\d{4}$/),
  fileLen: z.number().int().min(0),
  /** Uppercase hex SM3 of the whole `.gz`. */
  fileMac: z.string().regex(/^[0-9A-F]{64}$/),
  /** YYYYMMDDHHMMSS on the writer's clock, informative. */
  fileTime: z.string().regex(/^\d{14}$/),
});
export type DayFileDescriptor = z.infer<typeof dayFileDescriptorSchema>;

/**
 * Which broker files a step of the day sends: DETAIL = S_CHK01–03 after 13011 (step 5), BALANCE = S_CHK04
 * once the detail breaks are resolved (step 7; with settlement, DAT02/DAT03 join it in a later issue).
 */
export const brokerFileStepSchema = z.enum(['DETAIL', 'BALANCE']);
export type BrokerFileStep = z.infer<typeof brokerFileStepSchema>;

/**
 * The 13010 figures of one side's CHK01 (bank-protocol.md §7 step 4): deposits = 12001 + 12003 records,
 * `depositAmount` = Σ 12001 − Σ 12003; withdrawals = 12002 + 12004 records, `withdrawalAmount` = Σ 12002 − Σ 12004.
 */
export const transferSummarySchema = z.object({
  depositCount: z.number().int().min(0),
  depositAmount: money,
  withdrawalCount: z.number().int().min(0),
  withdrawalAmount: money,
});
export type TransferSummary = z.infer<typeof transferSummarySchema>;

// ---- saga ↔ reconciliation: the broker's own files of a bank's day ----

/**
 * The saga asks for the broker's files of one step for a bank and date. The reconciliation service has the
 * owners write them (transfer: CHK01, CHK04; account: CHK02, CHK03), keeps them, reads the broker's side of
 * the comparison from them, and answers with `broker-files-ready`. Idempotent: asked again, it answers with
 * the files it already has (a file of a date is written once; CHK04 once per day's BALANCE step).
 */
export const brokerFilesRequested = defineTopic(
  'reconciliation.broker-files-requested',
  1,
  z.object({ bankCode: bankCodeSchema, businessDate: businessDateSchema, step: brokerFileStepSchema }),
);

export const brokerFilesReady = defineTopic(
  'reconciliation.broker-files-ready',
  1,
  z.object({
    bankCode: bankCodeSchema,
    businessDate: businessDateSchema,
    step: brokerFileStepSchema,
    files: z.array(dayFileDescriptorSchema).min(1),
    /** DETAIL only: the 13010 figures of S_CHK01. */
    summary: transferSummarySchema.optional(),
  }),
);

/** The bank's answer to 13010 as the saga got it (Stmt.002.01 `TrfSumCnfm`), for `GET /v1/reconciliation`. */
export const summaryChecked = defineTopic(
  'day.summary-checked',
  1,
  z.object({
    bankCode: bankCodeSchema,
    businessDate: businessDateSchema,
    /** MATCHED: `ChkRst` 0000; MISMATCHED: any other `ChkRst` (5208). */
    result: z.enum(['MATCHED', 'MISMATCHED']),
    checkReturnCode: returnCodeSchema,
    broker: transferSummarySchema,
    /** `BkEntry`: the bank's figures, when it gave them. */
    bank: transferSummarySchema.optional(),
  }),
);

// ---- saga ↔ bank-adapter: file steps with one bank (keyed by bankCode) ----

/**
 * SEND: the adapter sends each named file (read from the reconciliation service) by 13008/13009 and then
 * 13005 listing them all, re-sending per bank-protocol.md §5 (a bad `FileMac` from 13008, a refused 13005 three
 * times at most). FETCH: it asks the bank for each named file by 13006/13007 and keeps it with the
 * reconciliation service, then announces them by `bank.files-received`. A step is persisted by the adapter
 * when it takes it, runs once to its end across restarts, and is idempotent by `stepId`.
 */
export const bankFileStepRequested = defineTopic(
  'bank.file-step-requested',
  1,
  z.object({
    stepId: z.string().uuid(),
    bankCode: bankCodeSchema,
    businessDate: businessDateSchema,
    mode: z.enum(['SEND', 'FETCH']),
    fileNames: z.array(dayFileNameSchema).min(1),
  }),
);

/**
 * DONE: every file sent and the 13005 answered 0000 (SEND), or every file fetched whole (FETCH).
 * FAILED: the step gave up after the profile's retries; `reason` names the file and the bank's last code
 * (e.g. 5208 for a file the bank does not have yet). The saga decides what is retried and when.
 */
export const bankFileStepCompleted = defineTopic(
  'bank.file-step-completed',
  1,
  z.object({
    stepId: z.string().uuid(),
    bankCode: bankCodeSchema,
    businessDate: businessDateSchema,
    mode: z.enum(['SEND', 'FETCH']),
    outcome: z.enum(['DONE', 'FAILED']),
    fileNames: z.array(dayFileNameSchema),
    bankReturnCode: returnCodeSchema.optional(),
    reason: z.string().optional(),
  }),
);

/**
 * Files of the bank's now held whole by the reconciliation service: after the bank's own 13005 was
 * answered 0000 (PUSH), or after a FETCH step. Consumers take each file once by name and `fileMac` (a file
 * sent again unchanged is the same file; changed, it replaces the earlier one).
 */
export const bankFilesReceived = defineTopic(
  'bank.files-received',
  1,
  z.object({
    bankCode: bankCodeSchema,
    businessDate: businessDateSchema,
    via: z.enum(['PUSH', 'FETCH']),
    files: z.array(dayFileDescriptorSchema).min(1),
  }),
);

// ---- reconciliation → saga: where a bank's day stands ----

/**
 * The bank's breaks of a date, after every comparison and every resolution. DETAIL counts the open breaks of
 * CHK01–03 and the operator cases of that bank and date (they too keep the day open); `compared` is false
 * until both sides' CHK01–03 are compared. BALANCE counts the open CHK04 breaks once the bank's DIF04 is read
 * (`compared` true), or while none has come (`compared` false).
 */
export const breaksChanged = defineTopic(
  'reconciliation.breaks-changed',
  1,
  z.object({
    bankCode: bankCodeSchema,
    businessDate: businessDateSchema,
    stage: z.enum(['DETAIL', 'BALANCE']),
    compared: z.boolean(),
    openBreaks: z.number().int().min(0),
  }),
);

// ---- reconciliation → transfer → everyone: adjustments (api.md table; domain.md F-6.2) ----

export const ADJUSTMENT_KINDS = ['CREDIT', 'DEBIT', 'RESOLVE_UNKNOWN', 'MANUAL'] as const;
export const adjustmentKindSchema = z.enum(ADJUSTMENT_KINDS);
export type AdjustmentKind = z.infer<typeof adjustmentKindSchema>;

export const ADJUSTMENT_STATUSES = ['PROPOSED', 'AWAITING_SECOND_APPROVAL', 'APPLIED', 'REJECTED'] as const;
export const adjustmentStatusSchema = z.enum(ADJUSTMENT_STATUSES);
export type AdjustmentStatus = z.infer<typeof adjustmentStatusSchema>;

/**
 * A break's proposed adjustment. The transfer service keeps it, takes its approvals (`POST
 * /v1/adjustments/{id}/approve|reject`) and applies it in the transaction of its effect. CREDIT/DEBIT carry the
 * amount; RESOLVE_UNKNOWN names the transfer and what it becomes (`resolveTo`: the bank listed it → SUCCEEDED,
 * not → FAILED); MANUAL moves nothing.
 */
export const adjustmentProposed = defineTopic(
  'adjustment.proposed',
  1,
  z.object({
    adjustmentId: z.string().uuid(),
    breakId: z.string().uuid(),
    bankCode: bankCodeSchema,
    /** The date of the break (the bank's day it was found on). */
    businessDate: businessDateSchema,
    kind: adjustmentKindSchema,
    fundAccountNo: z.string().min(1),
    currency: currencySchema,
    /** CREDIT/DEBIT: positive, what the ledger moves; RESOLVE_UNKNOWN: the transfer's amount (four eyes). */
    amount: money.optional(),
    transferId: z.string().uuid().optional(),
    resolveTo: z.enum(['SUCCEEDED', 'FAILED']).optional(),
    /** One line for the operator: why this adjustment (e.g. `B: the bank's 12001 of 500.00 the broker never booked`). */
    reason: z.string().min(1),
  }),
);

export const adjustmentApprovalSchema = z.object({
  by: z.string().min(1),
  role: z.enum(['operator', 'supervisor']),
  at: z.string().datetime(),
  comment: z.string().optional(),
});

/**
 * An adjustment's state after an approval or a rejection. APPLIED: its effect and journal entry committed
 * (for MANUAL: the resolution recorded), the break is resolved. REJECTED: `replacedBy` names the MANUAL
 * adjustment put in its place for the same break.
 */
export const adjustmentChanged = defineTopic(
  'adjustment.changed',
  1,
  z.object({
    adjustmentId: z.string().uuid(),
    breakId: z.string().uuid(),
    bankCode: bankCodeSchema,
    businessDate: businessDateSchema,
    kind: adjustmentKindSchema,
    status: adjustmentStatusSchema,
    approvals: z.array(adjustmentApprovalSchema),
    transferId: z.string().uuid().optional(),
    /** RESOLVE_UNKNOWN, once applied: what the transfer became. */
    transferStatus: z.enum(['SUCCEEDED', 'FAILED']).optional(),
    replacedBy: z.string().uuid().optional(),
    /** The business date the applied entry was journaled on (the broker's date when it was approved). */
    appliedOn: businessDateSchema.optional(),
  }),
);

/**
 * A case from the transfer flows only an operator can settle, for the same queue as the day's breaks: e.g. the
 * bank's reversal we refused `2008` because the funds were used already (the bank still believes it should
 * have its money back). `caseId` is stable, so raising it again changes nothing.
 */
export const manualCaseRaised = defineTopic(
  'transfer.manual-case-raised',
  1,
  z.object({
    caseId: z.string().uuid(),
    bankCode: bankCodeSchema,
    businessDate: businessDateSchema,
    /** A stable name for what happened, e.g. `REVERSAL_REFUSED_FUNDS_USED`. */
    cause: z.string().min(1),
    description: z.string().min(1),
    transferId: z.string().uuid().optional(),
    initiator: z.enum(['B', 'S']),
    /** The initiator's serial of the request the case is about. */
    serialNo: serialNoSchema,
    functionCode: z.string().regex(/^\d{5}$/),
    fundAccountNo: z.string().min(1),
    currency: currencySchema,
    amount: money.optional(),
    bankReturnCode: returnCodeSchema.optional(),
  }),
);
