export { Money, AmountFormatError, CURRENCIES, isCurrency } from './money';
export type { Currency, AmountDefect } from './money';
