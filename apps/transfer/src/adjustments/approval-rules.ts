import type { AdjustmentKind, AdjustmentStatus, ErrorCode } from '@custody/contracts';
import type { Money } from '@custody/money';

/** Who may decide on adjustments (api.md: operator or supervisor). */
export type ApproverRole = 'operator' | 'supervisor';

/** One approval as recorded: `by` names the principal (subject and issuer of the token). */
export interface Approval {
  readonly by: string;
  readonly role: ApproverRole;
  readonly at: string;
  readonly comment?: string;
}

/** What the rules need of an adjustment. */
export interface AdjustmentStanding {
  readonly kind: AdjustmentKind;
  readonly status: AdjustmentStatus;
  /** CREDIT/DEBIT: what moves; RESOLVE_UNKNOWN: the transfer's amount; MANUAL: none. */
  readonly amount: Money | null;
  readonly approvals: readonly Approval[];
}

export interface Approver {
  readonly by: string;
  readonly role: ApproverRole;
  readonly comment?: string;
}

export interface Refusal {
  readonly refused: Extract<ErrorCode, 'ADJUSTMENT_DECIDED' | 'SAME_APPROVER' | 'FORBIDDEN' | 'VALIDATION_FAILED' | 'NOT_REJECTABLE'>;
  readonly detail: string;
}

/** APPLY: this approval is the last one needed; AWAIT_SECOND: recorded, a supervisor must approve too. */
export type ApprovalDecision = Refusal | { readonly refused?: undefined; readonly next: 'APPLY' | 'AWAIT_SECOND' };

const DECIDED: ReadonlySet<AdjustmentStatus> = new Set(['APPLIED', 'REJECTED']);

/** Four eyes (api.md): a CREDIT, DEBIT or RESOLVE_UNKNOWN whose amount is over `fourEyesThreshold`. */
export function needsFourEyes(adjustment: Pick<AdjustmentStanding, 'kind' | 'amount'>, fourEyesThreshold: Money): boolean {
  return adjustment.kind !== 'MANUAL' && adjustment.amount !== null && adjustment.amount.greaterThan(fourEyesThreshold);
}

/**
 * An approval (api.md "Clearing and the day"; docs/design.md): nothing more is decided on an APPLIED or REJECTED
 * adjustment (ADJUSTMENT_DECIDED). MANUAL moves nothing and is settled by one supervisor, who says how in a
 * comment (an operator: FORBIDDEN; no comment: VALIDATION_FAILED). Over the four-eyes threshold the first approval
 * (operator or supervisor) is recorded and a second principal, a supervisor, applies it: the same principal again is
 * SAME_APPROVER, an operator FORBIDDEN. At or under the threshold one approval of either role applies it.
 */
export function decideApproval(adjustment: AdjustmentStanding, approver: Approver, fourEyesThreshold: Money): ApprovalDecision {
  if (DECIDED.has(adjustment.status)) return { refused: 'ADJUSTMENT_DECIDED', detail: `the adjustment is ${adjustment.status} already` };
  if (adjustment.kind === 'MANUAL') {
    if (approver.role !== 'supervisor') return { refused: 'FORBIDDEN', detail: 'a MANUAL adjustment is settled by a supervisor' };
    if (!approver.comment?.trim()) return { refused: 'VALIDATION_FAILED', detail: 'comment is required to settle a MANUAL adjustment: say how the break was resolved' };
    return { next: 'APPLY' };
  }
  if (!needsFourEyes(adjustment, fourEyesThreshold)) return { next: 'APPLY' };
  const [first] = adjustment.approvals;
  if (first === undefined) return { next: 'AWAIT_SECOND' };
  if (first.by === approver.by) return { refused: 'SAME_APPROVER', detail: `${approver.by} approved it first; a second principal must approve an adjustment over ${fourEyesThreshold.toString()}` };
  if (approver.role !== 'supervisor') return { refused: 'FORBIDDEN', detail: `the second approval of an adjustment over ${fourEyesThreshold.toString()} is a supervisor's` };
  return { next: 'APPLY' };
}

/**
 * A rejection: the proposal becomes REJECTED and a MANUAL adjustment takes its place. MANUAL is the last resort and
 * cannot be rejected (NOT_REJECTABLE); a decided one cannot be either (ADJUSTMENT_DECIDED).
 */
export function decideRejection(adjustment: Pick<AdjustmentStanding, 'kind' | 'status'>): Refusal | undefined {
  if (DECIDED.has(adjustment.status)) return { refused: 'ADJUSTMENT_DECIDED', detail: `the adjustment is ${adjustment.status} already` };
  if (adjustment.kind === 'MANUAL') return { refused: 'NOT_REJECTABLE', detail: 'a MANUAL adjustment is the last resort: a supervisor settles it with a comment' };
  return undefined;
}
