import { CERTIFICATION_TYPES, ClearPin } from '@custody/bank-protocol';
import { AmountFormatError, CURRENCIES, Money } from '@custody/money';
import { z } from 'zod';
import { FAULT_KINDS } from '../protocol/fault-plan';
import { SimulatorError } from '../simulator-error';

/** What the control API accepts. Amounts are strings (conventions.md "Money"); `RMB` reads as `CNY`. */

const currency = z
  .enum([...CURRENCIES, 'RMB'])
  .default('CNY')
  .transform((value) => (value === 'RMB' ? 'CNY' : value));

function amount(sign: 'positive' | 'non-negative') {
  return z.string().transform((value, ctx) => {
    try {
      return Money.parse(value, sign);
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: error instanceof AmountFormatError ? `amount refused: ${error.defect}` : 'not an amount' });
      return z.NEVER;
    }
  });
}

/** All digits: the PIN block's account field is taken from the account number (profile §2). */
const bankAccountNo = z.string().regex(/^[0-9]{1,35}$/, 'a bank account number is 1 to 35 digits');
const fundAccountNo = z.string().min(1).max(35);

export const bankAccountOpeningInput = z
  .object({
    bankAccountNo,
    name: z.string().min(1).max(70),
    idType: z.enum(CERTIFICATION_TYPES),
    idNumber: z.string().min(1).max(35),
    password: z
      .string()
      .regex(/^[0-9]{4,12}$/, 'a bank password is 4 to 12 digits')
      .transform((pin) => ClearPin.of(pin)),
    currency,
    balance: amount('non-negative'),
  })
  .strict();

/** The holder renews their record at the bank's counter (the broker is not told): the fields that change. */
export const bankAccountHolderChange = z
  .object({ name: z.string().min(1).max(70).optional(), idType: z.enum(CERTIFICATION_TYPES).optional(), idNumber: z.string().min(1).max(35).optional() })
  .strict()
  .refine((change) => Object.keys(change).length > 0, 'name, idType or idNumber');

export const custodyAccountQuery = z.object({
  fundAccountNo: fundAccountNo.optional(),
  currency: z
    .enum([...CURRENCIES, 'RMB'])
    .optional()
    .transform((value) => (value === 'RMB' ? 'CNY' : value)),
});

/** The customer's fund password as typed at the bank's counter (F-4.2 B); it becomes a PIN block and nothing else. */
const fundPassword = z
  .string()
  .regex(/^[0-9]{4,12}$/, 'a fund password is 4 to 12 digits')
  .transform((pin) => ClearPin.of(pin));

export const bankInitiatedTransferInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('BANK_TO_SECURITIES'), bankAccountNo, fundAccountNo, currency, amount: amount('positive') }).strict(),
  // Without a fund password the request goes without one, and the broker answers for that.
  z.object({ type: z.literal('SECURITIES_TO_BANK'), bankAccountNo, fundAccountNo, currency, amount: amount('positive'), fundPassword: fundPassword.optional() }).strict(),
]);

/** F-3.2 B: the customer at the counter names the fund account to confirm and brings their bank account. */
export const bankInitiatedConfirmationInput = z.object({ bankAccountNo, fundAccountNo, currency }).strict();

/** F-3.3 B: the customer at the counter names the fund account to designate this bank for, brings their bank account and types the fund password. */
export const bankInitiatedDesignationInput = z.object({ bankAccountNo, fundAccountNo, currency, fundPassword: fundPassword.optional() }).strict();

/** 11010 B: the fund account linked here takes another currency (its custody account opens with the broker's ScBal). */
export const bankInitiatedCurrencyRegistrationInput = z.object({ fundAccountNo, currency }).strict();

/** 11011 B: the fund account whose custody here the bank freezes (FROZEN), reports lost (LOST) or sets NORMAL again. */
export const bankInitiatedStatusChangeInput = z.object({ fundAccountNo, accountState: z.enum(['NORMAL', 'FROZEN', 'LOST']) }).strict();

/** F-3.4 B: the customer at the counter moves the fund account's relationship in `currency` from `bankAccountNo` to `newBankAccountNo`. */
export const bankInitiatedBankAccountChangeInput = z.object({ fundAccountNo, currency, bankAccountNo, newBankAccountNo: bankAccountNo }).strict();

/** F-3.8 B: the customer cancels the fund account's custody in `currency`, naming the linked bank account (or none, pre-designated). */
export const bankInitiatedCancellationInput = z.object({ fundAccountNo, currency, bankAccountNo: bankAccountNo.optional() }).strict();

/**
 * F-3.5 B: the customer's new data as the teller keys it in; what is left out stays as the bank holds it (`idType` and
 * `idNumber` given: a new ID document, which the broker refuses 2009).
 */
export const bankInitiatedCustomerDataChangeInput = z
  .object({
    fundAccountNo,
    name: z.string().min(1).max(70).optional(),
    idType: z.enum(CERTIFICATION_TYPES).optional(),
    idNumber: z.string().min(1).max(35).optional(),
    mobile: z.string().min(1).max(35).optional(),
    address: z.string().min(1).max(70).optional(),
    email: z.string().min(1).max(70).optional(),
  })
  .strict();

export const bankInitiatedResendInput = z.object({ fundPassword: fundPassword.optional() }).strict();

/** A request that takes no body (an empty object, or none). */
export const noBody = z.object({}).strict();

/**
 * F-3.9 B: the customer at the counter asks their fund ledger balance with their fund password. `serialNo`
 * asks again under a serial the bank used before (as after a reply it never got).
 */
export const bankInitiatedFundBalanceInput = z
  .object({ fundAccountNo, currency, fundPassword: fundPassword.optional(), serialNo: z.string().regex(/^[0-9A-Za-z]{1,20}$/).optional() })
  .strict();

/**
 * F-3.11 B: the customer at the counter as the bank read their ID document, the fund account to check, and where they
 * brought or typed them, their bank account and fund password. `serialNo` asks again under a serial used before.
 */
export const bankInitiatedIdentityCheckInput = z
  .object({
    fundAccountNo,
    currency,
    name: z.string().min(1).max(70),
    idType: z.enum(CERTIFICATION_TYPES),
    idNumber: z.string().min(1).max(35),
    bankAccountNo: bankAccountNo.optional(),
    fundPassword: fundPassword.optional(),
    serialNo: z.string().regex(/^[0-9A-Za-z]{1,20}$/).optional(),
  })
  .strict();

/** What each fault needs besides its kind (see fault-plan.ts). */
const FAULT_NEEDS: Partial<Record<(typeof FAULT_KINDS)[number], readonly ('delayMs' | 'serialNo' | 'amount')[]>> = {
  DELAY_REPLY: ['delayMs'],
  DELAY_FILE_CHUNK: ['delayMs'],
  DELAY_DIF04: ['delayMs'],
  OMIT_FROM_CHK01: ['serialNo'],
  ALTER_IN_CHK01: ['serialNo', 'amount'],
};

export const faultInput = z
  .object({
    kind: z.enum(FAULT_KINDS),
    instrCd: z.string().regex(/^[0-9]{5}$/, 'an InstrCd is 5 digits').optional(),
    times: z.number().int().min(1).max(10_000).default(1),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    serialNo: z.string().min(1).max(35).optional(),
    amount: amount('positive').optional(),
  })
  .strict()
  .superRefine((fault, ctx) => {
    for (const needed of FAULT_NEEDS[fault.kind] ?? []) {
      if (fault[needed] === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${fault.kind} needs ${needed}`, path: [needed] });
    }
  });

/** `YYYY-MM-DD`, a business date. */
export const businessDateQuery = z.object({ businessDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'businessDate is YYYY-MM-DD') }).strict();

/** Parses or throws VALIDATION_FAILED listing every defect; never echoes values (a password may be one). */
export function parseInput<S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const defects = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
  throw new SimulatorError('VALIDATION_FAILED', defects.join('; '));
}
