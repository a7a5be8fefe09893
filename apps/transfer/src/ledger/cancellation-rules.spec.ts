import { Money } from '@custody/money';
import { bankCancellationLedgerVerdict, brokerCancellationRefusal, type LedgerCancellationFacts } from './cancellation-rules';

const EMPTY: LedgerCancellationFacts = { accountStatus: 'NORMAL', transfersInFlight: 0, tradingHeld: Money.zero(), balance: Money.zero() };
const holding = (balance: string, held = '0.00'): LedgerCancellationFacts => ({ ...EMPTY, balance: Money.parse(balance), tradingHeld: Money.parse(held, 'non-negative') });

describe('F-3.8: what holds a fund ledger open against the bank’s cancellation (11004 B)', () => {
  it('F-3.8: a ledger at zero, nothing held, nothing in flight, not frozen may close', () => {
    expect(bankCancellationLedgerVerdict(EMPTY)).toEqual({ allowed: true });
  });

  it('F-3.8, §7.23: a balance is refused 5316 (该股东有资金余额)', () => {
    expect(bankCancellationLedgerVerdict(holding('0.01'))).toEqual({ allowed: false, obstacle: 'BALANCE', code: '5316', detail: 'a balance of 0.01' });
  });

  it('F-3.8, §7.23: a hold is refused 5317 (该股东有冻结资金), before the balance it reserves', () => {
    expect(bankCancellationLedgerVerdict(holding('100.00', '40.00'))).toMatchObject({ allowed: false, obstacle: 'HELD', code: '5317' });
  });

  it('F-3.8, §7.23: a transfer in flight is refused 5318 (该股东有未回资金), before a hold and the balance', () => {
    expect(bankCancellationLedgerVerdict({ ...holding('100.00', '100.00'), transfersInFlight: 1 })).toMatchObject({ allowed: false, obstacle: 'TRANSFER_IN_FLIGHT', code: '5318' });
    // A deposit in flight holds nothing and leaves the balance at zero until it succeeds.
    expect(bankCancellationLedgerVerdict({ ...EMPTY, transfersInFlight: 2 })).toMatchObject({ code: '5318', detail: '2 transfer(s) in flight' });
  });

  it.each(['FROZEN', 'LOST'] as const)('profile §4.1 "11011": a %s relationship is refused 2010 (资金账户状态不正常), before anything else', (accountStatus) => {
    expect(bankCancellationLedgerVerdict({ ...holding('5.00'), accountStatus, transfersInFlight: 1 })).toMatchObject({ allowed: false, obstacle: 'RELATIONSHIP_FROZEN', code: '2010' });
  });
});

describe('F-3.8: what holds a fund ledger open against the broker’s cancellation (11004 S)', () => {
  it('F-3.8: an empty ledger is not refused', () => {
    expect(brokerCancellationRefusal(EMPTY)).toBeUndefined();
  });

  it('F-3.8: CANCELLATION_REFUSED names every obstacle at once: in flight, hold, balance', () => {
    expect(brokerCancellationRefusal({ ...holding('100.00', '30.00'), transfersInFlight: 2 })).toEqual({
      code: 'CANCELLATION_REFUSED',
      detail: '2 transfer(s) in flight; a hold of 30.00; a balance of 100.00',
    });
  });

  it('11011: a frozen relationship is RELATIONSHIP_FROZEN, as its transfers are', () => {
    expect(brokerCancellationRefusal({ ...holding('5.00'), accountStatus: 'LOST' })).toMatchObject({ code: 'RELATIONSHIP_FROZEN' });
  });
});
