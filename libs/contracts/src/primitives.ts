import { z } from 'zod';

export const currencySchema = z.enum(['CNY', 'USD', 'HKD']);
/** Amounts cross every boundary as decimal strings; libs/money parses them. */
export const amountText = z.string().regex(/^-?\d{1,16}(\.\d{1,2})?$/);
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
 * A secret (bank or fund password, ID number) sealed by the hub's transport key so that it can cross
 * Kafka without ever being readable there; only the process that builds or checks a PIN block opens it.
 */
export const sealedSecretSchema = z.object({ sealed: z.string().min(1) });
export type SealedSecret = z.infer<typeof sealedSecretSchema>;
