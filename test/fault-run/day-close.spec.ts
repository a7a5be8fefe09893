import { accountFunctionBreaks, type BreakFact, unexplainedBreaks } from './day-close';

const b = (serialNo: string | null, extra: Partial<BreakFact> = {}): BreakFact => ({ bankCode: '1021000', file: 'CHK01', reason: 'B', initiator: 'S', serialNo, cause: null, ...extra });

describe('a fault run explains every break of its day by an injected fault (issue 8)', () => {
  it('a break of a transfer whose request a fault hit is explained', () => {
    expect(unexplainedBreaks([b('S1')], [{ kind: 'DROP_REPLY', serialNo: 'S1' }], new Map())).toEqual([]);
  });

  it("the reversal's record is explained by a fault on its original, and by a fault on a query about the original", () => {
    const originals = new Map([['R1', 'S1']]);
    expect(unexplainedBreaks([b('R1')], [{ kind: 'DROP_REPLY', serialNo: 'S1' }], originals)).toEqual([]);
    expect(unexplainedBreaks([b('S1'), b('R1')], [{ kind: 'DROP_REQUEST', serialNo: 'Q9', subjectSerialNo: 'S1' }], originals)).toEqual([]);
  });

  it('a break no fault touched is unexplained: a defect to look into', () => {
    expect(unexplainedBreaks([b('S2'), b('S1')], [{ kind: 'DROP_REPLY', serialNo: 'S1' }], new Map())).toEqual([b('S2')]);
    expect(unexplainedBreaks([b(null)], [], new Map())).toEqual([b(null)]);
  });

  it("a break of the bank's own transfer whose answer a disruption lost at the bank is explained, with its reversal", () => {
    const originals = new Map([['BR7', 'B7']]);
    expect(unexplainedBreaks([b('B7', { initiator: 'B' }), b('BR7', { initiator: 'B' })], [], originals, new Set(['B7']))).toEqual([]);
  });

  it('an operator case is explained by its cause (business, not a fault); one without a cause is not', () => {
    const found = b(null, { file: null, reason: null, cause: 'REVERSAL_REFUSED_FUNDS_USED' });
    const bare = b(null, { file: null, reason: null });
    expect(unexplainedBreaks([found, bare], [], new Map())).toEqual([bare]);
  });

  it('issue 10: a CHK02 or CHK03 break is a break of an account function, a defect even where a fault touched the serial', () => {
    const chk02 = b(null, { file: 'CHK02', reason: 'X' });
    const chk03 = b('S9', { file: 'CHK03', reason: 'S' });
    expect(accountFunctionBreaks([b('S1'), chk02, chk03, b(null, { file: 'CHK04', reason: 'X' })])).toEqual([chk02, chk03]);
  });
});
