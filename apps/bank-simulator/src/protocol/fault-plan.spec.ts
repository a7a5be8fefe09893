import { Money } from '@custody/money';
import { FaultPlan } from './fault-plan';

describe('fault plan (dev/test faults on broker requests)', () => {
  it('a fault restricted to an InstrCd leaves other functions alone', () => {
    const plan = new FaultPlan();
    plan.arm({ kind: 'DROP_REPLY', instrCd: '12002', times: 1 });
    expect(plan.take('12005')).toBeUndefined();
    expect(plan.take('12002')).toMatchObject({ kind: 'DROP_REPLY' });
  });

  it('`times` counts matching requests; then the fault is gone', () => {
    const plan = new FaultPlan();
    const { faultId } = plan.arm({ kind: 'DROP_REQUEST', times: 2 });
    expect(plan.take('12001')?.faultId).toBe(faultId);
    expect(plan.list()).toEqual([expect.objectContaining({ faultId, remaining: 1 })]);
    expect(plan.take('11001')?.faultId).toBe(faultId);
    expect(plan.take('12001')).toBeUndefined();
    expect(plan.list()).toEqual([]);
  });

  it('faults apply in the order armed, and clearing removes them all', () => {
    const plan = new FaultPlan();
    plan.arm({ kind: 'DELAY_REPLY', delayMs: 10, times: 1 });
    plan.arm({ kind: 'CLOSE_CONNECTION', times: 1 });
    expect(plan.take('12001')?.kind).toBe('DELAY_REPLY');
    plan.clear();
    expect(plan.take('12001')).toBeUndefined();
  });

  it('REFUSE_SESSION refuses new connections only, never a request of a session already signed in', () => {
    const plan = new FaultPlan();
    plan.arm({ kind: 'REFUSE_SESSION', times: 2 });
    expect(plan.take('12001')).toBeUndefined();
    expect(plan.takeSessionRefusal()?.kind).toBe('REFUSE_SESSION');
    expect(plan.takeSessionRefusal()?.kind).toBe('REFUSE_SESSION');
    expect(plan.takeSessionRefusal()).toBeUndefined();
  });

  it('refuses a fault affecting no request', () => {
    expect(() => new FaultPlan().arm({ kind: 'DROP_REPLY', times: 0 })).toThrow(RangeError);
  });

  it('faults of the day close never hit a broker request, and request faults never a day file', () => {
    const plan = new FaultPlan();
    plan.arm({ kind: 'CORRUPT_FILE_CHUNK', times: 1 });
    plan.arm({ kind: 'HOLD_DAY_FILES', times: 1 });
    expect(plan.take('13009')).toBeUndefined();
    plan.arm({ kind: 'DROP_REPLY', times: 1 });
    expect(plan.takeChunkFault('B_CHK01_20260302.gz', 0)?.kind).toBe('CORRUPT_FILE_CHUNK');
    expect(plan.takeFileHold('B_CHK01_20260302.gz', '20260302')?.kind).toBe('HOLD_DAY_FILES');
    expect(plan.takeChunkFault('B_CHK01_20260302.gz', 2048)).toBeUndefined();
    expect(plan.take('12001')?.kind).toBe('DROP_REPLY');
  });

  it('OMIT_FROM_CHK01 / ALTER_IN_CHK01 wait for the record with their serial, whichever side issued it', () => {
    const plan = new FaultPlan();
    plan.arm({ kind: 'ALTER_IN_CHK01', serialNo: 'S42', amount: Money.parse('1.00'), times: 1 });
    expect(plan.takeChk01Fault(['B1', null], '2026-03-02')).toBeUndefined();
    expect(plan.takeChk01Fault(['B2', 'S42'], '2026-03-02')).toMatchObject({ kind: 'ALTER_IN_CHK01', amount: Money.parse('1.00') });
    expect(plan.list()).toEqual([]);
  });

  it('LOSE_BANK_REQUEST restricted to an InstrCd loses only that kind of bank request', () => {
    const plan = new FaultPlan();
    plan.arm({ kind: 'LOSE_BANK_REQUEST', instrCd: '12001', times: 1 });
    expect(plan.takeBankRequestLoss('12002', 'B1')).toBeUndefined();
    expect(plan.takeBankRequestLoss('12001', 'B2')?.kind).toBe('LOSE_BANK_REQUEST');
  });

  it('every fault that hits is recorded with what it hit; clearing disarms but keeps the record', () => {
    const plan = new FaultPlan(() => new Date('2026-03-02T08:00:00Z'));
    const dropped = plan.arm({ kind: 'DROP_REPLY', times: 1 });
    const omitted = plan.arm({ kind: 'OMIT_FROM_CHK01', serialNo: 'B7', times: 1 });
    plan.arm({ kind: 'DELAY_DIF04', delayMs: 5, times: 1 });
    plan.take('12002', { serialNo: 'S1' });
    plan.takeChk01Fault(['B7', null], '2026-03-02');
    plan.clear();
    expect(plan.takeDif04Delay('B_DIF04_20260302.gz', '2026-03-02')).toBeUndefined();
    expect(plan.listApplied()).toEqual([
      { faultId: dropped.faultId, kind: 'DROP_REPLY', appliedAt: '2026-03-02T08:00:00.000Z', instrCd: '12002', serialNo: 'S1' },
      { faultId: omitted.faultId, kind: 'OMIT_FROM_CHK01', appliedAt: '2026-03-02T08:00:00.000Z', serialNo: 'B7', businessDate: '2026-03-02' },
    ]);
  });
});
