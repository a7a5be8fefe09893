import { z } from 'zod';
import { defineTopic } from './envelope';
import { bankCodeSchema, businessDateSchema, currencySchema, money, relationshipAccountStatusSchema, returnCodeSchema, sealedSecretSchema, serialNoSchema } from './primitives';

// ---- account → saga → transfer → account: account functions the broker starts (domain.md §3, "S") ----

/**
 * The account functions the broker starts at a bank once a relationship exists, each one saga of its own kind: the
 * account service validates and records the request, the saga makes the bank call (and its resends or
 * compensations), the transfer service applies what the verdict means for the ledger, and account records it and
 * answers the caller. Designation (11001 S, 11002) keeps its own topics (`designation.*`).
 */
export const custodyFunctionSchema = z.enum(['QUERY_BANK_BALANCE', 'IDENTITY_CHECK', 'CHANGE_ACCOUNT_STATUS']);
export type CustodyFunction = z.infer<typeof custodyFunctionSchema>;

/** What every broker-started account function names: the request, its serial, and the relationship it is about. */
const requestFields = {
  functionId: z.string().uuid(),
  serialNo: serialNoSchema,
  bankCode: bankCodeSchema,
  fundAccountNo: z.string().min(1),
  currency: currencySchema,
};

/** F-3.10 (11009 S): the customer's bank account and its password (sealed; the adapter builds the PIN block). */
export const bankBalanceQueryRequestSchema = z.object({
  ...requestFields,
  function: z.literal('QUERY_BANK_BALANCE'),
  bankAccountNo: z.string().min(1),
  bankPassword: sealedSecretSchema,
});
export type BankBalanceQueryRequest = z.infer<typeof bankBalanceQueryRequestSchema>;

/**
 * F-3.11 (11007 S): the customer as the broker records them (`Cust`: name, type, ID type and the ID number, sealed;
 * the adapter opens it) and the bank account linked to the fund account: the bank compares them with its record of
 * that account's holder.
 */
export const identityCheckRequestSchema = z.object({
  ...requestFields,
  function: z.literal('IDENTITY_CHECK'),
  bankAccountNo: z.string().min(1),
  customer: z.object({ name: z.string().min(1), type: z.enum(['INDIVIDUAL', 'INSTITUTION']), idType: z.string().min(1), idNumber: sealedSecretSchema }),
});
export type IdentityCheckRequest = z.infer<typeof identityCheckRequestSchema>;

/**
 * 11011 S: the new status of the fund account's custody at the bank, every currency of it there (profile §4.1; the
 * message names no currency). `currency` names the relationship the day's one 11011 is recorded on; `bankAccountNo`
 * is the linked bank account, sent beside the fund account so the bank finds the same custody account.
 */
export const statusChangeRequestSchema = z.object({
  ...requestFields,
  function: z.literal('CHANGE_ACCOUNT_STATUS'),
  accountStatus: relationshipAccountStatusSchema,
  bankAccountNo: z.string().min(1),
});
export type StatusChangeRequest = z.infer<typeof statusChangeRequestSchema>;

export const custodyFunctionRequested = defineTopic(
  'custody.function-requested',
  1,
  z.discriminatedUnion('function', [bankBalanceQueryRequestSchema, identityCheckRequestSchema, statusChangeRequestSchema]),
);
export type CustodyFunctionRequest = z.infer<typeof custodyFunctionRequested.schema>;

/** F-3.10: the bank settlement account's balances (11009's `BkBal` of type 0 and 1). */
export const bankBalancesSchema = z.object({ balance: money, available: money });
export type BankBalances = z.infer<typeof bankBalancesSchema>;

/**
 * F-3.11: the bank's answer to an identity check — `matched` with 0000, or not, with the code naming what differs
 * (JR/T 0046 §7.23: 5010 the ID type, 5011 the ID number, 5016 not the account's holder, 1012 the document).
 */
export const identityCheckAnswerSchema = z.object({ matched: z.boolean(), bankReturnCode: returnCodeSchema });
export type IdentityCheckAnswer = z.infer<typeof identityCheckAnswerSchema>;

const custodyFunctionResolutionSchema = z.object({
  ...requestFields,
  function: custodyFunctionSchema,
  status: z.enum(['SUCCEEDED', 'FAILED']),
  /** The bank day the call was made on: the day files of the relationship's owner list a successful function on it. */
  businessDate: businessDateSchema,
  bankSerialNo: z.string().optional(),
  bankBalances: bankBalancesSchema.optional(),
  identityCheck: identityCheckAnswerSchema.optional(),
  /** 11011 S: the status the bank took (every currency of the fund account there); the ledger and account follow it. */
  accountStatus: relationshipAccountStatusSchema.optional(),
  failure: z.object({ code: z.string(), bankReturnCode: returnCodeSchema.optional(), message: z.string() }).optional(),
});
export type CustodyFunctionResolution = z.infer<typeof custodyFunctionResolutionSchema>;

/** The saga's verdict on a broker-started account function; the transfer service applies it to the ledger first. */
export const custodyFunctionResolved = defineTopic('custody.function-resolved', 1, custodyFunctionResolutionSchema);

/** The verdict once the ledger has applied it (nothing, for a query): account records it and answers the caller. */
export const custodyFunctionApplied = defineTopic('custody.function-applied', 1, custodyFunctionResolutionSchema);
