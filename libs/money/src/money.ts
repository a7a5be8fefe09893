import Decimal from 'decimal.js';

/**
 * Every amount in the hub goes through this module. Amounts are decimal strings on the wire and
 * `numeric(20,2)` in PostgreSQL; a JS number never holds money.
 */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

export const CURRENCIES = ['CNY', 'USD', 'HKD'] as const;
export type Currency = (typeof CURRENCIES)[number];

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && (CURRENCIES as readonly string[]).includes(value);
}

/** Why a textual amount was refused; stable codes the edges map to problem+json or bank return codes. */
export type AmountDefect = 'NOT_A_NUMBER' | 'TOO_MANY_DECIMALS' | 'TOO_MANY_DIGITS' | 'NOT_POSITIVE' | 'NEGATIVE';

/** What a context allows of an amount: a transfer amount must be positive, a balance may be zero, a clearing entry may be signed. */
export type AmountSign = 'positive' | 'non-negative' | 'signed';

export class AmountFormatError extends Error {
  constructor(
    readonly defect: AmountDefect,
    readonly input: string,
  ) {
    super(`amount "${input}" refused: ${defect}`);
  }
}

/** JR/T 0046 §4.2.2.1: an amount has at most 18 digits, 2 of them decimals. */
const MAX_DIGITS = 18;
const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

export class Money {
  private constructor(private readonly value: Decimal) {}

  static zero(): Money {
    return new Money(new D(0));
  }

  /**
   * Reads an amount as callers and banks send it. `sign` says what the context allows: a transfer
   * amount must be positive; a clearing entry may be signed; a balance may be zero.
   */
  static parse(input: string, sign: AmountSign = 'positive'): Money {
    if (typeof input !== 'string' || !DECIMAL_TEXT.test(input)) throw new AmountFormatError('NOT_A_NUMBER', String(input));
    const [whole, fraction = ''] = input.replace('-', '').split('.');
    if (fraction.length > 2) throw new AmountFormatError('TOO_MANY_DECIMALS', input);
    if (whole.replace(/^0+(?=\d)/, '').length + 2 > MAX_DIGITS) throw new AmountFormatError('TOO_MANY_DIGITS', input);
    return new Money(new D(input)).checkSign(sign, input);
  }

  /**
   * This amount, when it may stand where `sign` is the rule and be written as `parse` would read it; else the
   * defect `parse` names. For an amount computed or read from PostgreSQL that is about to cross a boundary.
   */
  checked(sign: AmountSign = 'positive'): Money {
    const text = this.value.toFixed();
    if (this.value.decimalPlaces() > 2) throw new AmountFormatError('TOO_MANY_DECIMALS', text);
    if (this.value.abs().trunc().toFixed().length + 2 > MAX_DIGITS) throw new AmountFormatError('TOO_MANY_DIGITS', text);
    return this.checkSign(sign, text);
  }

  private checkSign(sign: AmountSign, text: string): Money {
    if (sign === 'positive' && this.value.lte(0)) throw new AmountFormatError('NOT_POSITIVE', text);
    if (sign === 'non-negative' && this.isNegative()) throw new AmountFormatError('NEGATIVE', text);
    return this;
  }

  /** Reads a value PostgreSQL returned for a `numeric` column (always a string with pg). */
  static fromDb(value: string): Money {
    return new Money(new D(value));
  }

  /** Day files (bank-protocol.md §5) carry amounts in fen, as integers. */
  static fromFen(fen: bigint | string): Money {
    return new Money(new D(fen.toString()).div(100));
  }

  plus(other: Money): Money {
    return new Money(this.value.plus(other.value));
  }

  minus(other: Money): Money {
    return new Money(this.value.minus(other.value));
  }

  negated(): Money {
    return new Money(this.value.negated());
  }

  isZero(): boolean {
    return this.value.isZero();
  }

  isNegative(): boolean {
    return this.value.isNegative() && !this.value.isZero();
  }

  isPositive(): boolean {
    return this.value.gt(0);
  }

  equals(other: Money): boolean {
    return this.value.eq(other.value);
  }

  greaterThan(other: Money): boolean {
    return this.value.gt(other.value);
  }

  lessThan(other: Money): boolean {
    return this.value.lt(other.value);
  }

  /**
   * Two decimals, never rounded here: sums and differences of cent amounts stay in cents, and the
   * only places allowed to round (interest, F-7.1) do so explicitly with `roundToCent`.
   */
  toString(): string {
    if (this.value.decimalPlaces() > 2) throw new Error(`unrounded amount ${this.value.toString()} reached output`);
    return this.value.toFixed(2);
  }

  /** Rounds to the cent with the named rule (F-7.1: configurable, default half-up). */
  roundToCent(rule: 'HALF_UP' | 'HALF_EVEN' | 'DOWN' = 'HALF_UP'): Money {
    const mode = { HALF_UP: Decimal.ROUND_HALF_UP, HALF_EVEN: Decimal.ROUND_HALF_EVEN, DOWN: Decimal.ROUND_DOWN }[rule];
    return new Money(this.value.toDecimalPlaces(2, mode));
  }

  toJSON(): string {
    return this.toString();
  }

  toFen(): bigint {
    return BigInt(this.value.times(100).toFixed(0));
  }

  static sum(values: Iterable<Money>): Money {
    let total = Money.zero();
    for (const v of values) total = total.plus(v);
    return total;
  }
}
