import { type PoolMember, TransferPool } from './transfer-pool';

const member = (fundAccountNo: string, bankCode = 'A'): PoolMember => ({
  customer: { customerNo: `C${fundAccountNo}`, name: '张三', idType: '10', idNumber: '110101199000000000' },
  fundAccountNo,
  bankCode,
  bankAccountNo: `62${fundAccountNo}`,
  bankPassword: '135790',
  custodyAccountNo: `CA${fundAccountNo}`,
});

describe('the fault run’s transfer pool (issue 10: account functions beside the transfers)', () => {
  it('a planned draw is a fraction of the accounts taking transfers when it is asked; an account taken out gets none, and gets them again once put back', () => {
    const [a, b, c] = [member('1'), member('2'), member('3')];
    const pool = new TransferPool([a, b, c]);
    expect([0, 0.4, 0.9].map((f) => pool.at(f)?.fundAccountNo)).toEqual(['1', '2', '3']);

    pool.takeOut(b);
    expect([0, 0.4, 0.9].map((f) => pool.at(f)?.fundAccountNo)).toEqual(['1', '1', '3']);
    expect(pool.isActive('2')).toBe(false);
    expect(pool.all()).toEqual([a, b, c]);

    pool.putBack(b);
    expect(pool.isActive('2')).toBe(true);
  });

  it('F-3.3: an account designated mid-run joins the pool and is counted among every account the invariants check', () => {
    const pool = new TransferPool([member('1')]);
    const joined = member('9', 'B');
    pool.join(joined);
    expect(pool.at(0.99)).toBe(joined);
    expect(pool.all().map((m) => m.fundAccountNo)).toEqual(['1', '9']);
  });

  it('two account functions never work on one account at once; a released account can be claimed again', () => {
    const [a, b] = [member('1'), member('2')];
    const pool = new TransferPool([a, b]);
    expect(pool.claim(0)).toBe(a);
    expect(pool.claim(0)).toBe(b);
    expect(pool.claim(0)).toBeUndefined();
    pool.release(a);
    expect(pool.claim(0.99)).toBe(a);
  });

  it('F-3.8: an account is idle only once every request the run asked on it has been answered', async () => {
    const pool = new TransferPool([member('1')]);
    pool.begin('1');
    pool.begin('1');
    let idle = false;
    const waiting = pool.idle('1').then(() => (idle = true));
    pool.end('1');
    await Promise.resolve();
    expect(idle).toBe(false);
    pool.end('1');
    await waiting;
    expect(idle).toBe(true);
    await expect(pool.idle('1')).resolves.toBeUndefined();
  });
});
