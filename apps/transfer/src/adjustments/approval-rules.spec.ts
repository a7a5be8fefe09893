import { Money } from '@custody/money';
import { type AdjustmentStanding, decideApproval, decideRejection, needsFourEyes } from './approval-rules';

const THRESHOLD = Money.parse('50000.00');
const OPERATOR = { by: 'ops-1@idp', role: 'operator' as const };
const OPERATOR_2 = { by: 'ops-2@idp', role: 'operator' as const };
const SUPERVISOR = { by: 'sup-1@idp', role: 'supervisor' as const };

function adjustment(overrides: Partial<AdjustmentStanding> = {}): AdjustmentStanding {
  return { kind: 'CREDIT', status: 'PROPOSED', amount: Money.parse('500.00'), approvals: [], ...overrides };
}
const approvedOnceBy = (by: string) => adjustment({ amount: Money.parse('50000.01'), status: 'AWAITING_SECOND_APPROVAL', approvals: [{ by, role: 'operator', at: '2026-12-04T10:00:00Z' }] });

describe('api.md: approving an adjustment (four eyes over fourEyesThreshold)', () => {
  it.each(['CREDIT', 'DEBIT', 'RESOLVE_UNKNOWN'] as const)('%s at or under the threshold: one approval by an operator or a supervisor applies it', (kind) => {
    expect(decideApproval(adjustment({ kind, amount: THRESHOLD }), OPERATOR, THRESHOLD)).toEqual({ next: 'APPLY' });
    expect(decideApproval(adjustment({ kind }), SUPERVISOR, THRESHOLD)).toEqual({ next: 'APPLY' });
  });

  it('over the threshold: the first approval (operator or supervisor) is recorded and waits for a second', () => {
    expect(needsFourEyes(adjustment({ amount: Money.parse('50000.01') }), THRESHOLD)).toBe(true);
    expect(needsFourEyes(adjustment({ amount: THRESHOLD }), THRESHOLD)).toBe(false);
    expect(decideApproval(adjustment({ amount: Money.parse('50000.01') }), OPERATOR, THRESHOLD)).toEqual({ next: 'AWAIT_SECOND' });
    expect(decideApproval(adjustment({ kind: 'RESOLVE_UNKNOWN', amount: Money.parse('80000.00') }), SUPERVISOR, THRESHOLD)).toEqual({ next: 'AWAIT_SECOND' });
  });

  it('over the threshold: a second principal who is a supervisor applies it', () => {
    expect(decideApproval(approvedOnceBy(OPERATOR.by), SUPERVISOR, THRESHOLD)).toEqual({ next: 'APPLY' });
  });

  it('over the threshold: the same principal twice is SAME_APPROVER, whatever the role', () => {
    expect(decideApproval(approvedOnceBy(SUPERVISOR.by), SUPERVISOR, THRESHOLD)).toMatchObject({ refused: 'SAME_APPROVER' });
    expect(decideApproval(approvedOnceBy(OPERATOR.by), OPERATOR, THRESHOLD)).toMatchObject({ refused: 'SAME_APPROVER' });
  });

  it('over the threshold: an operator as second approver is FORBIDDEN', () => {
    expect(decideApproval(approvedOnceBy(OPERATOR.by), OPERATOR_2, THRESHOLD)).toMatchObject({ refused: 'FORBIDDEN' });
  });

  it('MANUAL: a supervisor with a comment settles it (any amount, no second approval); an operator is FORBIDDEN; no comment is VALIDATION_FAILED', () => {
    const manual = adjustment({ kind: 'MANUAL', amount: null });
    expect(decideApproval(manual, { ...SUPERVISOR, comment: 'refunded at the branch counter' }, THRESHOLD)).toEqual({ next: 'APPLY' });
    expect(decideApproval(manual, { ...OPERATOR, comment: 'done' }, THRESHOLD)).toMatchObject({ refused: 'FORBIDDEN' });
    expect(decideApproval(manual, SUPERVISOR, THRESHOLD)).toMatchObject({ refused: 'VALIDATION_FAILED' });
    expect(decideApproval(manual, { ...SUPERVISOR, comment: '  ' }, THRESHOLD)).toMatchObject({ refused: 'VALIDATION_FAILED' });
  });

  it.each(['APPLIED', 'REJECTED'] as const)('%s: nothing more is decided (ADJUSTMENT_DECIDED)', (status) => {
    expect(decideApproval(adjustment({ status }), SUPERVISOR, THRESHOLD)).toMatchObject({ refused: 'ADJUSTMENT_DECIDED' });
    expect(decideRejection(adjustment({ status }))).toMatchObject({ refused: 'ADJUSTMENT_DECIDED' });
  });
});

describe('api.md: rejecting an adjustment', () => {
  it('a proposal, or one awaiting its second approval, can be rejected', () => {
    expect(decideRejection(adjustment())).toBeUndefined();
    expect(decideRejection(approvedOnceBy(OPERATOR.by))).toBeUndefined();
  });

  it('MANUAL cannot be rejected: NOT_REJECTABLE', () => {
    expect(decideRejection(adjustment({ kind: 'MANUAL', amount: null }))).toMatchObject({ refused: 'NOT_REJECTABLE' });
  });
});
