import { setTimeout as sleep } from 'node:timers/promises';
import { type BreakView, DayControl } from '../support/day-control';
import type { TestContext } from '../support/test-context';

/**
 * The end of a fault run's day (issue 8): the operator closes it, every proposed adjustment is approved as an
 * operator would (four eyes over the threshold, a supervisor's comment on a MANUAL one), and the day runs until
 * the date switches. Then every break must be explained by a fault the simulated banks applied: the run injected
 * faults on requests, so a break of a transfer no fault touched is a defect.
 */

/** What a break names, for the explanation (api.md's break fields). */
export interface BreakFact {
  readonly bankCode: string;
  readonly file: string | null;
  readonly reason: string | null;
  readonly initiator: string | null;
  readonly serialNo: string | null;
  readonly cause: string | null;
}

/** What a fault hit (the simulator's `GET /faults/applied`). */
export interface AppliedFault {
  readonly kind: string;
  readonly serialNo?: string;
  readonly subjectSerialNo?: string;
}

/**
 * The breaks no injected fault explains. A break is explained when a fault hit a request about its transfer: the
 * request of its serial, or — for a reversal's record — of the original it undid (`originalOf`), or a reversal or
 * query about either (`subjectSerialNo`). The bank's own transfers get no request faults: one of them breaks
 * when a disruption (a kill, a replica, a skewed clock) cost its answer at the bank and it was reversed
 * (`answersLost`: the original's serial) — the bank then lists what its books did, the broker what its did. An
 * operator case (no file) is explained by its cause, which the transfer flows name (e.g. the bank's reversal
 * refused 2008 because the funds were used): it is business, not a fault.
 */
export function unexplainedBreaks(
  breaks: readonly BreakFact[],
  faults: readonly AppliedFault[],
  originalOf: ReadonlyMap<string, string>,
  answersLost: ReadonlySet<string> = new Set(),
): BreakFact[] {
  const touched = new Set<string>(answersLost);
  for (const fault of faults) {
    if (fault.serialNo) touched.add(fault.serialNo);
    if (fault.subjectSerialNo) touched.add(fault.subjectSerialNo);
  }
  return breaks.filter((b) => {
    if (b.file === null) return b.cause === null;
    if (b.serialNo === null) return true;
    const original = originalOf.get(b.serialNo);
    return !touched.has(b.serialNo) && (original === undefined || !touched.has(original));
  });
}

/**
 * The breaks of the day's account functions (CHK02 relationship states, CHK03 account-function details). The run
 * injects no fault on account functions, and the broker asks the bank again under the same serial until it answers
 * every one it starts (bank-protocol.md §4.1), so both sides must list the same: any such break is a defect, whatever
 * fault touched its fund account's transfers (issue 10).
 */
export function accountFunctionBreaks<T extends { readonly file: string | null }>(breaks: readonly T[]): T[] {
  return breaks.filter((b) => b.file === 'CHK02' || b.file === 'CHK03');
}

export interface DayCloseReport {
  readonly businessDate: string;
  readonly nextBusinessDate: string | null;
  /** Breaks by file and reason (`CHK01 B`, …) and operator cases by cause. */
  readonly breaks: Record<string, number>;
  /** Adjustments applied, by kind. */
  readonly applied: Record<string, number>;
  readonly unexplained: readonly BreakFact[];
  readonly violations: readonly string[];
}

/** `answersLost`: serials of the bank's own transfers whose answer (or whose reversal's answer) never reached the bank. */
export async function closeTheDay(ctx: TestContext, answersLost: ReadonlySet<string>, timeoutMs: number, log: (line: string) => void): Promise<DayCloseReport> {
  const control = new DayControl(ctx);
  const businessDate = (await control.day()).businessDate;
  const closed = await control.close(businessDate);
  if (closed.status !== 202) throw new Error(`the day ${businessDate} could not be closed: ${closed.status} ${JSON.stringify(closed.body)}`);
  log(`fault run: day ${businessDate} closed; approving what reconciliation proposes until the date switches`);

  const applied: Record<string, number> = {};
  const decided = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  let nextBusinessDate: string | null = null;
  while (Date.now() < deadline) {
    const day = await control.day();
    if (day.businessDate !== businessDate) {
      nextBusinessDate = day.businessDate;
      break;
    }
    for (const bank of day.banks.filter((b) => b.phase === 'AWAITING_ADJUSTMENTS')) {
      for (const open of (await allBreaks(control, businessDate, bank.bankCode)).filter((b) => b.status === 'OPEN')) {
        const kind = await approve(control, open, decided);
        if (kind) applied[kind] = (applied[kind] ?? 0) + 1;
      }
    }
    await sleep(1000);
  }

  const violations: string[] = [];
  if (nextBusinessDate === null) violations.push(`DAY: the date ${businessDate} did not switch within ${timeoutMs} ms: ${JSON.stringify((await control.day()).banks)}`);
  else await control.open();
  const breaks: BreakView[] = [];
  for (const bankCode of ctx.bankCodes) breaks.push(...(await allBreaks(control, businessDate, bankCode)));
  const byKind: Record<string, number> = {};
  for (const b of breaks) {
    const key = b.file === null ? `case ${b.cause}` : `${b.file} ${b.reason}`;
    byKind[key] = (byKind[key] ?? 0) + 1;
  }
  for (const b of breaks.filter((b) => b.status !== 'RESOLVED')) violations.push(`DAY: break ${b.breakId} (${b.file} ${b.reason} ${b.serialNo}) is still ${b.status}`);

  const ofAccountFunctions = accountFunctionBreaks(breaks);
  for (const b of ofAccountFunctions) violations.push(`DAY: break ${b.file} ${b.reason} of fund account ${b.fundAccountNo} (serial ${b.serialNo}) at ${b.bankCode}: account functions must reconcile`);
  const ofTransfers = breaks.filter((b) => !ofAccountFunctions.includes(b));
  const unexplained = unexplainedBreaks(ofTransfers, await appliedFaults(ctx), await reversalOriginals(ctx, ofTransfers), answersLost);
  for (const b of unexplained) violations.push(`DAY: break ${b.file} ${b.reason} of ${b.initiator} serial ${b.serialNo} at ${b.bankCode} is explained by no injected fault`);
  return { businessDate, nextBusinessDate, breaks: byKind, applied, unexplained, violations };
}

async function allBreaks(control: DayControl, businessDate: string, bankCode: string): Promise<BreakView[]> {
  return (await control.reconciliation(businessDate, bankCode)).breaks;
}

/**
 * Approves a break's proposal as the operators would: one approval, a supervisor's second where four eyes are
 * needed (over the threshold), a supervisor with a comment for MANUAL. The reconciliation's view follows the adjustments a moment
 * later, so a proposal already decided here is not asked again. Returns the kind once it is applied.
 */
async function approve(control: DayControl, open: BreakView, decided: Set<string>): Promise<string | undefined> {
  const proposal = open.proposedAdjustment;
  if (!proposal || decided.has(proposal.adjustmentId)) return undefined;
  if (proposal.kind === 'MANUAL') {
    const result = await control.approve(proposal.adjustmentId, 'supervisor', 'fault run: settled by hand');
    return settledAs(result, proposal.adjustmentId, decided, proposal.kind);
  }
  const first = await control.approve(proposal.adjustmentId, 'operator');
  if (first.status === 200 && first.body.status === 'AWAITING_SECOND_APPROVAL') {
    return settledAs(await control.approve(proposal.adjustmentId, 'supervisor'), proposal.adjustmentId, decided, proposal.kind);
  }
  return settledAs(first, proposal.adjustmentId, decided, proposal.kind);
}

function settledAs(result: { status: number; body: { status?: string; code?: string } }, adjustmentId: string, decided: Set<string>, kind: string): string | undefined {
  if (result.status === 200 && result.body.status === 'APPLIED') {
    decided.add(adjustmentId);
    return kind;
  }
  if (result.status === 409) decided.add(adjustmentId);
  return undefined;
}

async function appliedFaults(ctx: TestContext): Promise<AppliedFault[]> {
  const all: AppliedFault[] = [];
  for (const bank of Object.values(ctx.banks)) all.push(...(await bank.appliedFaults()));
  return all;
}

/** For each break's serial that is a reversal at its bank, the serial of the original it undid. */
async function reversalOriginals(ctx: TestContext, breaks: readonly BreakView[]): Promise<Map<string, string>> {
  const originals = new Map<string, string>();
  for (const b of breaks) {
    if (!b.serialNo || b.file !== 'CHK01') continue;
    const record = await ctx.banks[b.bankCode].transaction(b.serialNo);
    if (record.status === 200 && record.body.reversedSerialNo) originals.set(b.serialNo, record.body.reversedSerialNo);
  }
  return originals;
}
