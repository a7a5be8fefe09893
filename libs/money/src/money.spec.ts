import { AmountFormatError, Money } from './money';

function defectOf(input: string, sign?: 'positive' | 'non-negative' | 'signed'): string {
  try {
    Money.parse(input, sign);
    return 'accepted';
  } catch (e) {
    return e instanceof AmountFormatError ? e.defect : 'other';
  }
}

describe('Money', () => {
  it('parses transfer amounts and prints them with two decimals', () => {
    expect(Money.parse('1000').toString()).toBe('1000.00');
    expect(Money.parse('0.1').toString()).toBe('0.10');
    expect(Money.parse('1234.50').toString()).toBe('1234.50');
  });

  it.each([
    ['0', 'NOT_POSITIVE'],
    ['0.00', 'NOT_POSITIVE'],
    ['-5', 'NOT_POSITIVE'],
    ['1.234', 'TOO_MANY_DECIMALS'],
    ['abc', 'NOT_A_NUMBER'],
    ['1e3', 'NOT_A_NUMBER'],
    [' 1', 'NOT_A_NUMBER'],
    ['', 'NOT_A_NUMBER'],
    ['12345678901234567', 'TOO_MANY_DIGITS'],
  ])('refuses %p as a transfer amount (%s)', (input, defect) => {
    expect(defectOf(input)).toBe(defect);
  });

  it('accepts the largest amount JR/T 0046 allows (16 integer digits, 2 decimals)', () => {
    expect(Money.parse('9999999999999999.99').toString()).toBe('9999999999999999.99');
  });

  it('accepts signed clearing amounts only when the context allows them', () => {
    expect(Money.parse('-12.30', 'signed').toString()).toBe('-12.30');
    expect(defectOf('-0.01', 'non-negative')).toBe('NEGATIVE');
    expect(Money.parse('0', 'non-negative').toString()).toBe('0.00');
  });

  it('adds without binary floating point error', () => {
    const sum = Money.sum(['0.10', '0.20', '0.30'].map((a) => Money.parse(a)));
    expect(sum.toString()).toBe('0.60');
    expect(Money.parse('0.3').minus(Money.parse('0.1')).toString()).toBe('0.20');
  });

  it('converts to and from fen for day files', () => {
    expect(Money.parse('1234.56').toFen()).toBe(123456n);
    expect(Money.fromFen('-5').toString()).toBe('-0.05');
  });

  it('F-7.1: rounds to the cent only when asked, with the named rule', () => {
    const third = Money.fromDb('10').minus(Money.fromDb('9.995'));
    expect(() => third.toString()).toThrow(/unrounded/);
    expect(third.roundToCent('HALF_UP').toString()).toBe('0.01');
    expect(third.roundToCent('DOWN').toString()).toBe('0.00');
  });

  it('checks a computed amount against the rule its context sets, naming the defect as parse does', () => {
    const defectOfChecked = (amount: Money, sign?: 'positive' | 'non-negative' | 'signed') => {
      try {
        amount.checked(sign);
        return 'accepted';
      } catch (e) {
        return e instanceof AmountFormatError ? e.defect : 'other';
      }
    };
    expect(defectOfChecked(Money.fromDb('10.5'))).toBe('accepted');
    expect(defectOfChecked(Money.zero())).toBe('NOT_POSITIVE');
    expect(defectOfChecked(Money.fromDb('-1'), 'non-negative')).toBe('NEGATIVE');
    expect(defectOfChecked(Money.fromDb('-1'), 'signed')).toBe('accepted');
    expect(defectOfChecked(Money.fromDb('9.995'))).toBe('TOO_MANY_DECIMALS');
    expect(defectOfChecked(Money.fromDb('9999999999999999.99'))).toBe('accepted');
    expect(defectOfChecked(Money.fromDb('10000000000000000'))).toBe('TOO_MANY_DIGITS');
  });

  it('compares amounts', () => {
    const a = Money.parse('700.00');
    expect(a.greaterThan(Money.parse('699.99'))).toBe(true);
    expect(a.lessThan(Money.parse('700.01'))).toBe(true);
    expect(a.equals(Money.fromDb('700'))).toBe(true);
  });
});
