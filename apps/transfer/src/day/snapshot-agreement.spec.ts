import { snapshotAgreement, type TransferStanding } from './snapshot-agreement';

const T1 = '00000000-0000-4000-8000-000000000001';
const T2 = '00000000-0000-4000-8000-000000000002';
const T3 = '00000000-0000-4000-8000-000000000003';
const standing = (transferId: string, status: TransferStanding['status'], resolvedByAdjustment: string | null = null): TransferStanding => ({ transferId, status, resolvedByAdjustment });

describe("bank-protocol.md §7 step 3 / §5: the books of (bank, D) agree with the day's snapshot before its files are written", () => {
  it('no snapshot yet: not settled', () => {
    expect(snapshotAgreement(undefined, [])).toEqual({ agrees: false, why: expect.stringContaining('snapshot') });
  });

  it('an empty snapshot and nothing open: the books agree', () => {
    expect(snapshotAgreement([], [])).toEqual({ agrees: true });
  });

  it('every transfer the snapshot names is UNKNOWN here and nothing else is open: the books agree', () => {
    expect(snapshotAgreement([T1, T2], [standing(T1, 'UNKNOWN'), standing(T2, 'UNKNOWN')])).toEqual({ agrees: true });
  });

  it("a named transfer the saga's UNKNOWN has not reached yet (still PENDING here): not settled", () => {
    expect(snapshotAgreement([T1], [standing(T1, 'PENDING')])).toEqual({ agrees: false, why: expect.stringContaining(`${T1} is PENDING here`) });
  });

  it('a transfer of the day still PENDING or UNKNOWN here that the snapshot does not name: its outcome is on its way, not settled', () => {
    expect(snapshotAgreement([T1], [standing(T1, 'UNKNOWN'), standing(T2, 'PENDING')])).toEqual({ agrees: false, why: expect.stringContaining(`${T2} is PENDING here`) });
    expect(snapshotAgreement([], [standing(T3, 'UNKNOWN')])).toEqual({ agrees: false, why: expect.stringContaining(`${T3} is UNKNOWN here`) });
  });

  it('a named transfer resolved since by its RESOLVE_UNKNOWN adjustment still agrees (the files of D stay as they were)', () => {
    expect(snapshotAgreement([T1, T2], [standing(T1, 'SUCCEEDED', T3), standing(T2, 'FAILED', T3)])).toEqual({ agrees: true });
  });

  it('a named transfer final here without an adjustment, or unknown here: never agrees (an operator must look)', () => {
    expect(snapshotAgreement([T1], [standing(T1, 'SUCCEEDED')])).toEqual({ agrees: false, why: expect.stringContaining(`${T1} is SUCCEEDED here, UNKNOWN in the snapshot`) });
    expect(snapshotAgreement([T1], [])).toEqual({ agrees: false, why: expect.stringContaining(`${T1} (in the snapshot) is not a transfer of this day here`) });
  });
});
