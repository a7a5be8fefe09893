import { Money } from '@custody/money';
import { dormancyCutoff, dormancyVerdict, type LedgerActivity, type RelationshipActivity } from './dormancy-rules';

const CUTOFF = '2025-12-01';
const idle: RelationshipActivity = { status: 'PRE_DESIGNATED', dormantSince: null, lastFunctionDate: '2025-06-30' };
const zero: LedgerActivity = { found: true, balance: Money.zero(), held: Money.zero(), lastMovementDate: null };

describe('F-12.3 dormant customers: zero balance and no activity for dormantAfterDays', () => {
  it('F-12.3: the cutoff is dormantAfterDays before the business date; 0 days makes today the cutoff', () => {
    expect(dormancyCutoff('2026-12-01', 365)).toBe('2025-12-01');
    expect(dormancyCutoff('2026-03-01', 1)).toBe('2026-02-28');
    expect(dormancyCutoff('2026-12-01', 0)).toBe('2026-12-01');
  });

  it('F-12.3: a pre-designated relationship, its ledger zero, nothing held, no movement and no account function after the cutoff, is DORMANT', () => {
    expect(dormancyVerdict(idle, zero, CUTOFF)).toEqual({ outcome: 'DORMANT' });
    expect(dormancyVerdict({ ...idle, lastFunctionDate: CUTOFF }, { ...zero, lastMovementDate: CUTOFF }, CUTOFF)).toEqual({ outcome: 'DORMANT' });
  });

  it.each([
    ['a balance', { balance: Money.parse('0.01') }, /holds 0.01/],
    ['money held', { held: Money.parse('5.00') }, /5.00 of the fund ledger is held/],
    ['a movement after the cutoff', { lastMovementDate: '2025-12-02' }, /moved on 2025-12-02/],
  ])('F-12.3: a ledger with %s keeps the relationship ACTIVE', (_case, ledger, why) => {
    expect(dormancyVerdict(idle, { ...zero, ...ledger }, CUTOFF)).toEqual({ outcome: 'ACTIVE', why: expect.stringMatching(why) });
  });

  it('F-12.3: an account function after the cutoff keeps it ACTIVE', () => {
    expect(dormancyVerdict({ ...idle, lastFunctionDate: '2025-12-02' }, zero, CUTOFF)).toEqual({ outcome: 'ACTIVE', why: expect.stringMatching(/account function on 2025-12-02/) });
  });

  it.each([
    ['DESIGNATED: reactivation is a designation, and a designated one has none left to take', { status: 'DESIGNATED' as const }, /DESIGNATED now/],
    ['dormant already', { dormantSince: '2025-11-01' }, /dormant since 2025-11-01/],
  ])('F-12.3: a relationship %s is SKIPPED', (_case, relationship, why) => {
    expect(dormancyVerdict({ ...idle, ...relationship }, zero, CUTOFF)).toEqual({ outcome: 'SKIPPED', why: expect.stringMatching(why) });
  });

  it('F-12.3: no ledger at the bank is SKIPPED, never DORMANT', () => {
    expect(dormancyVerdict(idle, { found: false }, CUTOFF).outcome).toBe('SKIPPED');
  });
});
