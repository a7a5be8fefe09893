import { z } from 'zod';
import { AmountFormatError, Money, type AmountDefect, type AmountSign } from '@custody/money';

export const currencySchema = z.enum(['CNY', 'USD', 'HKD']);

/** What is wrong with an amount, in the words a caller reads (api.md: VALIDATION_FAILED names the defect). */
const AMOUNT_DEFECTS: Record<AmountDefect, string> = {
  NOT_A_NUMBER: 'is not a decimal number',
  TOO_MANY_DECIMALS: 'has more than 2 decimals',
  TOO_MANY_DIGITS: 'has more than 18 digits',
  NOT_POSITIVE: 'must be greater than 0',
  NEGATIVE: 'must not be negative',
};

function describeAmountDefect(error: AmountFormatError): string {
  return `amount "${error.input}" ${AMOUNT_DEFECTS[error.defect]}`;
}

/**
 * An amount: a decimal string on the wire (JSON, `Money.toJSON`), a `Money` from the moment a message or a
 * request is parsed, so no hop parses it again. A producer passes the `Money` it holds and the outbox's check
 * of what it writes holds it to the same rule as the text would be. A refusal names its defect in
 * `params.defect` and its message, as `Money.parse` names it.
 */
export function moneySchema(sign: AmountSign) {
  return z
    .custom<string | Money>((value) => typeof value === 'string' || value instanceof Money, { message: 'an amount must be a decimal string' })
    .transform((value, ctx) => {
      try {
        return value instanceof Money ? value.checked(sign) : Money.parse(value, sign);
      } catch (error) {
        if (!(error instanceof AmountFormatError)) throw error;
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: describeAmountDefect(error), params: { defect: error.defect } });
        return z.NEVER;
      }
    });
}

/**
 * An amount of a message: any sign, at most 16 integer digits and 2 decimals; what the context further asks
 * (a transfer's amount is positive) its consumer checks, where it can answer for it.
 */
export const money = moneySchema('signed');

export const businessDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** bank-protocol.md §1: serials are at most 20 characters. */
export const serialNoSchema = z.string().min(1).max(20);
export const bankCodeSchema = z.string().min(1).max(12);
/**
 * A fund account number (资金账号) is 1–14 ASCII digits (bank-protocol.md §5): `证券资金台账账号` is CHAR(14) in
 * every day file, and a fund password's PIN block takes its account field from these digits. Enforced where
 * an account is opened and where a caller names one; a bank naming anything else is answered as for an
 * unknown account, so Kafka payloads coming from banks keep accepting any string.
 */
export const FUND_ACCOUNT_NO_PATTERN = /^[0-9]{1,14}$/;
/** JR/T 0046 §7.23 return codes are four digits. */
export const returnCodeSchema = z.string().regex(/^\d{4}$/);

/**
 * A relationship's account status (bank-protocol.md §4.1 "11011", JR/T 0046 §7.12: 0 normal, 1 frozen, 2 lost). Here
 * rather than beside the 11011 topics: the bank-started and the broker-started status changes both carry it, in two
 * modules that import each other's schemas otherwise.
 */
export const relationshipAccountStatusSchema = z.enum(['NORMAL', 'FROZEN', 'LOST']);
export type RelationshipAccountStatus = z.infer<typeof relationshipAccountStatusSchema>;

/**
 * A secret (bank or fund password, ID number) sealed by the hub's transport key so that it can cross
 * Kafka without ever being readable there; only the process that builds or checks a PIN block opens it.
 */
export const sealedSecretSchema = z.object({ sealed: z.string().min(1) });
export type SealedSecret = z.infer<typeof sealedSecretSchema>;
