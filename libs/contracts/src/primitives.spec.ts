import { Money } from '@custody/money';
import { z } from 'zod';
import { money, moneySchema } from './primitives';

const issueOf = (result: z.SafeParseReturnType<unknown, Money>) => (result.success ? undefined : result.error.issues[0]);

describe('an amount is a Money from the moment it is parsed (issue 9)', () => {
  it('reads the wire text as a Money', () => {
    const parsed = money.parse('1234.5');
    expect(parsed).toBeInstanceOf(Money);
    expect(parsed.toString()).toBe('1234.50');
    expect(money.parse('-12.30').toString()).toBe('-12.30');
  });

  it('takes the Money a producer passes as it is', () => {
    const amount = Money.parse('300.00');
    expect(money.parse(amount)).toBe(amount);
  });

  it.each([
    ['abc', 'NOT_A_NUMBER', 'amount "abc" is not a decimal number'],
    ['1.234', 'TOO_MANY_DECIMALS', 'amount "1.234" has more than 2 decimals'],
    ['12345678901234567', 'TOO_MANY_DIGITS', 'amount "12345678901234567" has more than 18 digits'],
    ['0', 'NOT_POSITIVE', 'amount "0" must be greater than 0'],
  ])('a transfer amount %p is refused as %s, in the words api.md gives the caller', (text, defect, message) => {
    expect(issueOf(moneySchema('positive').safeParse(text))).toMatchObject({ message, params: { defect } });
  });

  it('holds a Money to the same rule as its text: sign, decimals and digits', () => {
    expect(issueOf(moneySchema('non-negative').safeParse(Money.parse('-0.01', 'signed')))).toMatchObject({ params: { defect: 'NEGATIVE' } });
    expect(issueOf(money.safeParse(Money.fromDb('0.005')))).toMatchObject({ params: { defect: 'TOO_MANY_DECIMALS' } });
    expect(issueOf(money.safeParse(Money.fromDb('100000000000000000')))).toMatchObject({ params: { defect: 'TOO_MANY_DIGITS' } });
  });

  it('refuses what is neither text nor a Money (a JSON number loses cents)', () => {
    expect(money.safeParse(12.5).success).toBe(false);
    expect(money.safeParse(null).success).toBe(false);
  });

  it('travels as the canonical decimal string: JSON round trip gives the same Money', () => {
    const payload = z.object({ amount: money });
    const sent = payload.parse({ amount: Money.parse('1000.5') });
    const wire = JSON.stringify(sent);
    expect(wire).toBe('{"amount":"1000.50"}');
    const received = payload.parse(JSON.parse(wire));
    expect(received.amount.equals(sent.amount)).toBe(true);
    expect(JSON.stringify(received)).toBe(wire);
  });
});
