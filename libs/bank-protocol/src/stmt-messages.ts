import { INSTRUCTION_CODES } from './code-lists';
import { fileInfo, type FileInfo, messageHeader, returnResult, transferSummary, transferSummaryConfirm } from './components';
import { defineReply, defineRequest } from './message-definition';
import { isSuccess } from './return-codes';
import { date, type Infer, integer, optional, repeated, required, SchemaViolation, sequence, text } from './xml-schema';

/**
 * §5.21–§5.28: the day's messages (bank-protocol.md §7). 13010 transfer summary check (转账汇总对账),
 * 13005 day-end data ready (日终数据就绪), 13011 day business end (日间业务结束) and 13012 day business
 * start (日间业务开始). Who may send which (13010, 13011, 13012: the broker only) is the receiving
 * application's rule (profile §4.1), not the codec's.
 */

const SUMMARY_CODES = [INSTRUCTION_CODES.RECONCILE_TRANSFER_SUMMARY] as const;
/** §5.21.1 a–d: online reconciliation, which the profile replaces by day files (§5). */
const ONLINE_RECONCILIATION_CODES = [
  INSTRUCTION_CODES.RECONCILE_ACCOUNT_STATUS,
  INSTRUCTION_CODES.RECONCILE_ACCOUNT_TRANSACTIONS,
  INSTRUCTION_CODES.RECONCILE_TRANSFERS,
  INSTRUCTION_CODES.RECONCILE_BALANCES,
] as const;

/** Profile §7 step 4: the summary check and its answer hold exactly one record. */
function requireOne(count: number, element: string, path: string, rule: string): void {
  if (count === 0) throw new SchemaViolation('MISSING_ELEMENT', `${path}/${element}`, `${rule} carries one ${element} (profile §7 step 4)`);
  if (count > 1) throw new SchemaViolation('TOO_MANY_OCCURRENCES', `${path}/${element}`, `${rule} carries exactly one ${element}, not ${count} (profile §7 step 4)`);
}

function requireRecordCount(recNum: number | undefined, records: number, path: string): void {
  if (recNum !== undefined && recNum !== records) {
    throw new SchemaViolation('INVALID_VALUE', `${path}/RecNum`, `RecNum ${recNum} but ${records} record(s)`);
  }
}

/**
 * Table 38, with only the element 13010 uses of its OR group (table 39: `TrfSumStamt`; the other four
 * belong to 13001–13004, not enabled). §5.21.4 c makes `RecNum` mandatory; profile §7 step 4 fixes
 * `RecNum` 1 and exactly one `TrfSumStamt`.
 */
export const transferSummaryCheckBody = sequence('Stmt.001.01', {
  MsgHdr: required(messageHeader),
  RecNum: optional(integer),
  TrfSumStamt: repeated(transferSummary),
  Dgst: optional(text(35)),
});
export type TransferSummaryCheck = Infer<typeof transferSummaryCheckBody>;

export const TRANSFER_SUMMARY_CHECK = defineRequest({
  name: 'Stmt.001.01',
  replyName: 'Stmt.002.01',
  packageType: 'B',
  instructionCodes: SUMMARY_CODES,
  notEnabledCodes: ONLINE_RECONCILIATION_CODES,
  body: transferSummaryCheckBody,
  check(body, path) {
    if (body.RecNum === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/RecNum`, 'RecNum is mandatory (§5.21.4 c)');
    const records = body.TrfSumStamt?.length ?? 0;
    requireOne(records, 'TrfSumStamt', path, '13010');
    requireRecordCount(body.RecNum, records, path);
  },
});

/**
 * Table 40, with only `TrfSumCnfm` of its OR group. Profile §7 step 4: a successful answer carries one
 * `TrfSumCnfm` (`BkEntry` the bank's figures, `ScEntry` ours echoed, `ChkRst` 0000 or 5208); a failed
 * one may stop after `Rst` (§5.22.4 d).
 */
export const transferSummaryCheckReplyBody = sequence('Stmt.002.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  RecNum: optional(integer),
  TrfSumCnfm: repeated(transferSummaryConfirm),
  Dgst: optional(text(35)),
});
export type TransferSummaryCheckReply = Infer<typeof transferSummaryCheckReplyBody>;

export const TRANSFER_SUMMARY_CHECK_REPLY = defineReply({
  name: 'Stmt.002.01',
  packageType: 'B',
  instructionCodes: SUMMARY_CODES,
  notEnabledCodes: ONLINE_RECONCILIATION_CODES,
  body: transferSummaryCheckReplyBody,
  check(body, path) {
    const confirms = body.TrfSumCnfm?.length ?? 0;
    if (isSuccess(body.Rst.Code)) requireOne(confirms, 'TrfSumCnfm', path, 'a successful 13010 answer');
    requireRecordCount(body.RecNum, confirms, path);
  },
});

const READY_CODES = [INSTRUCTION_CODES.DAY_END_DATA_READY] as const;

/** Profile §5 step 4: 13005 names every file of the step whole, so the receiver can check it holds them. */
function checkListedFile(file: FileInfo, path: string): void {
  for (const element of ['BusCode', 'BusDate', 'FileLen', 'FileMac'] as const) {
    if (file[element] === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/${element}`, `13005 lists each file with its ${element} (profile §5)`);
  }
}

/** Table 42. The standard makes the file list optional; the profile's 13005 always lists the step's files. */
export const dayEndDataReadyBody = sequence('Stmt.003.01', {
  MsgHdr: required(messageHeader),
  FileInfo: repeated(fileInfo),
  Dgst: optional(text(35)),
});
export type DayEndDataReady = Infer<typeof dayEndDataReadyBody>;

export const DAY_END_DATA_READY = defineRequest({
  name: 'Stmt.003.01',
  replyName: 'Stmt.004.01',
  packageType: 'B',
  instructionCodes: READY_CODES,
  body: dayEndDataReadyBody,
  check(body, path) {
    const files = body.FileInfo ?? [];
    if (files.length === 0) throw new SchemaViolation('MISSING_ELEMENT', `${path}/FileInfo`, '13005 lists the files of its step (profile §5)');
    files.forEach((file, index) => checkListedFile(file, `${path}/FileInfo[${index + 1}]`));
  },
});

/** Table 43. A refusal's `Rst/Info` names the first file missing or unreadable (profile §5 step 4). */
export const dayEndDataReadyReplyBody = sequence('Stmt.004.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  Dgst: optional(text(35)),
});
export type DayEndDataReadyReply = Infer<typeof dayEndDataReadyReplyBody>;

export const DAY_END_DATA_READY_REPLY = defineReply({
  name: 'Stmt.004.01',
  packageType: 'B',
  instructionCodes: READY_CODES,
  body: dayEndDataReadyReplyBody,
});

const DAY_END_CODES = [INSTRUCTION_CODES.DAY_BUSINESS_END] as const;

/** Table 44. */
export const dayBusinessEndBody = sequence('Stmt.005.01', {
  MsgHdr: required(messageHeader),
  Dgst: optional(text(35)),
});
export type DayBusinessEnd = Infer<typeof dayBusinessEndBody>;

export const DAY_BUSINESS_END = defineRequest({
  name: 'Stmt.005.01',
  replyName: 'Stmt.006.01',
  packageType: 'B',
  instructionCodes: DAY_END_CODES,
  body: dayBusinessEndBody,
});

/** Table 45. */
export const dayBusinessEndReplyBody = sequence('Stmt.006.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  Dgst: optional(text(35)),
});
export type DayBusinessEndReply = Infer<typeof dayBusinessEndReplyBody>;

export const DAY_BUSINESS_END_REPLY = defineReply({
  name: 'Stmt.006.01',
  packageType: 'B',
  instructionCodes: DAY_END_CODES,
  body: dayBusinessEndReplyBody,
});

const DAY_START_CODES = [INSTRUCTION_CODES.DAY_BUSINESS_START] as const;

/** Table 46. `BusiDate` is [0..1] there; profile §7 step 1 agrees the clearing date D by it, so it is required. */
export const dayBusinessStartBody = sequence('Stmt.007.01', {
  MsgHdr: required(messageHeader),
  BusiDate: optional(date),
  Dgst: optional(text(35)),
});
export type DayBusinessStart = Infer<typeof dayBusinessStartBody>;

export const DAY_BUSINESS_START = defineRequest({
  name: 'Stmt.007.01',
  replyName: 'Stmt.008.01',
  packageType: 'B',
  instructionCodes: DAY_START_CODES,
  body: dayBusinessStartBody,
  check(body, path) {
    if (body.BusiDate === undefined) throw new SchemaViolation('MISSING_ELEMENT', `${path}/BusiDate`, '13012 carries the business date D (profile §7 step 1)');
  },
});

/** Table 47. */
export const dayBusinessStartReplyBody = sequence('Stmt.008.01', {
  MsgHdr: required(messageHeader),
  Rst: required(returnResult),
  Dgst: optional(text(35)),
});
export type DayBusinessStartReply = Infer<typeof dayBusinessStartReplyBody>;

export const DAY_BUSINESS_START_REPLY = defineReply({
  name: 'Stmt.008.01',
  packageType: 'B',
  instructionCodes: DAY_START_CODES,
  body: dayBusinessStartReplyBody,
});
