import { MoneyColumnError, moneyTransformer } from './money.column';

describe('money column (numeric(20,2), strings only)', () => {
  it('writes decimal strings unchanged and reads PostgreSQL numeric strings unchanged', () => {
    expect(moneyTransformer.to('1234567890123456.78')).toBe('1234567890123456.78');
    expect(moneyTransformer.to('-0.5')).toBe('-0.5');
    expect(moneyTransformer.from('100.10')).toBe('100.10');
    expect(moneyTransformer.from(null)).toBeNull();
  });

  it('refuses a JS number, which cannot hold every amount exactly', () => {
    expect(() => moneyTransformer.to(0.1)).toThrow(MoneyColumnError);
    expect(() => moneyTransformer.from(0.1)).toThrow(MoneyColumnError);
  });

  it('refuses text that numeric(20,2) would round or reject', () => {
    expect(() => moneyTransformer.to('1.005')).toThrow(/numeric\(20,2\)/);
    expect(() => moneyTransformer.to('1234567890123456789')).toThrow(/numeric\(20,2\)/);
    expect(() => moneyTransformer.to('1e3')).toThrow(/numeric\(20,2\)/);
  });
});
