import { Column, type ColumnOptions, type ValueTransformer } from 'typeorm';

/**
 * `numeric(20,2)`: 18 integer digits and 2 decimals, which covers JR/T 0046's 18-digit amounts.
 * PostgreSQL hands `numeric` back as a string through pg, and it must stay one: a JS number cannot
 * hold every amount exactly (spec/conventions.md "Money").
 */
export const MONEY_PRECISION = 20;
export const MONEY_SCALE = 2;
const MONEY_TEXT = /^-?\d{1,18}(\.\d{1,2})?$/;

/** For migrations: `new TableColumn({ name: 'amount', ...moneyColumnType, isNullable: false })`. */
export const moneyColumnType = { type: 'numeric', precision: MONEY_PRECISION, scale: MONEY_SCALE } as const;

export class MoneyColumnError extends TypeError {}

/** Lets decimal strings through unchanged and refuses everything else, numbers above all. */
export const moneyTransformer: ValueTransformer = {
  to(value: unknown): unknown {
    if (value === null || value === undefined) return value;
    if (typeof value !== 'string') {
      throw new MoneyColumnError(`an amount is written as a decimal string, never as ${typeof value} (${String(value)})`);
    }
    if (!MONEY_TEXT.test(value)) throw new MoneyColumnError(`"${value}" does not fit numeric(20,2)`);
    return value;
  },
  from(value: unknown): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') {
      throw new MoneyColumnError(`expected PostgreSQL to return numeric as a string, got ${typeof value}`);
    }
    return value;
  },
};

/** An entity property holding an amount: `@MoneyColumn() amount!: string`. */
export function MoneyColumn(options: Omit<ColumnOptions, 'type' | 'precision' | 'scale' | 'transformer'> = {}): PropertyDecorator {
  return Column({ ...options, ...moneyColumnType, transformer: moneyTransformer });
}
