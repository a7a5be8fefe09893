export { Money, AmountFormatError, CURRENCIES, isCurrency } from './money';
export type { Currency, AmountDefect, AmountSign } from './money';
