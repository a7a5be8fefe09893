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
});
