import { Money } from '@custody/money';
import { cancellationVerdict, type LedgerCancellationFacts } from './cancellation-rules';

const EMPTY: LedgerCancellationFacts = { figures: { balance: Money.zero(), held: Money.zero() }, accountStatus: 'NORMAL', transfersInFlight: 0 };
const withFigures = (balance: string, held = '0.00'): LedgerCancellationFacts => ({ ...EMPTY, figures: { balance: Money.parse(balance), held: Money.parse(held, 'non-negative') } });

describe('F-3.8: what holds a fund ledger open against a cancellation', () => {
  it('F-3.8: a ledger at zero, nothing held, nothing in flight, not frozen may close', () => {
    expect(cancellationVerdict(EMPTY)).toEqual({ allowed: true });
  });

  it('F-3.8, §7.23: a balance is refused 5316 (该股东有资金余额)', () => {
    expect(cancellationVerdict(withFigures('0.01'))).toEqual({ allowed: false, obstacle: 'BALANCE', code: '5316', detail: 'balance 0.01: the customer withdraws it first' });
  });

  it('F-3.8, §7.23: a hold is refused 5317 (该股东有冻结资金), before the balance it reserves', () => {
    expect(cancellationVerdict(withFigures('100.00', '40.00'))).toMatchObject({ allowed: false, obstacle: 'HELD', code: '5317' });
  });

  it('F-3.8, §7.23: a transfer in flight is refused 5318 (该股东有未回资金), before its hold and the balance', () => {
    expect(cancellationVerdict({ ...withFigures('100.00', '100.00'), transfersInFlight: 1 })).toMatchObject({ allowed: false, obstacle: 'TRANSFER_IN_FLIGHT', code: '5318' });
    // A deposit in flight holds nothing and leaves the balance at zero until it succeeds.
    expect(cancellationVerdict({ ...EMPTY, transfersInFlight: 2 })).toMatchObject({ code: '5318', detail: '2 transfer(s) still in flight' });
  });

  it.each(['FROZEN', 'LOST'] as const)('profile §4.1 "11011": a %s relationship is refused 2010 (资金账户状态不正常), before anything else', (accountStatus) => {
    expect(cancellationVerdict({ ...withFigures('5.00'), accountStatus, transfersInFlight: 1 })).toMatchObject({ allowed: false, obstacle: 'RELATIONSHIP_FROZEN', code: '2010' });
  });
});
