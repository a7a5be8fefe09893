import { z } from 'zod';
import { defineTopic } from './envelope';
import { bankCodeSchema, businessDateSchema, currencySchema, money, returnCodeSchema, sealedSecretSchema, serialNoSchema } from './primitives';

// ---- account → saga → transfer → account: account functions the broker starts (domain.md §3, "S") ----

/**
 * The account functions the broker starts at a bank once a relationship exists, each one saga of its own kind: the
 * account service validates and records the request, the saga makes the bank call (and its resends or
 * compensations), the transfer service applies what the verdict means for the ledger, and account records it and
 * answers the caller. Designation (11001 S, 11002) keeps its own topics (`designation.*`).
 */
export const custodyFunctionSchema = z.enum(['QUERY_BANK_BALANCE', 'CANCEL_CUSTODY']);
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
 * F-3.8 S (11004, profile §4.1): the relationship to cancel as account holds it — the bank account (absent for a
 * pre-designated one, whose 11004 carries no `BkAcct`) and the customer the 11004's `Cust` names (ID number sealed).
 */
export const custodyCancellationRequestSchema = z.object({
  ...requestFields,
  function: z.literal('CANCEL_CUSTODY'),
  bankAccountNo: z.string().min(1).optional(),
  customer: z.object({ name: z.string().min(1), type: z.enum(['INDIVIDUAL', 'INSTITUTION']), idType: z.string().min(1), idNumber: sealedSecretSchema }),
});
export type CustodyCancellationRequest = z.infer<typeof custodyCancellationRequestSchema>;

export const custodyFunctionRequested = defineTopic(
  'custody.function-requested',
  1,
  z.discriminatedUnion('function', [bankBalanceQueryRequestSchema, custodyCancellationRequestSchema]),
);
export type CustodyFunctionRequest = z.infer<typeof custodyFunctionRequested.schema>;

/** F-3.10: the bank settlement account's balances (11009's `BkBal` of type 0 and 1). */
export const bankBalancesSchema = z.object({ balance: money, available: money });
export type BankBalances = z.infer<typeof bankBalancesSchema>;

const custodyFunctionResolutionSchema = z.object({
  ...requestFields,
  function: custodyFunctionSchema,
  status: z.enum(['SUCCEEDED', 'FAILED']),
  /** The bank day the call was made on: the day files of the relationship's owner list a successful function on it. */
  businessDate: businessDateSchema,
  bankSerialNo: z.string().optional(),
  bankBalances: bankBalancesSchema.optional(),
  failure: z.object({ code: z.string(), bankReturnCode: returnCodeSchema.optional(), message: z.string() }).optional(),
});
export type CustodyFunctionResolution = z.infer<typeof custodyFunctionResolutionSchema>;

/** The saga's verdict on a broker-started account function; the transfer service applies it to the ledger first. */
export const custodyFunctionResolved = defineTopic('custody.function-resolved', 1, custodyFunctionResolutionSchema);

/** The verdict once the ledger has applied it (nothing, for a query): account records it and answers the caller. */
export const custodyFunctionApplied = defineTopic('custody.function-applied', 1, custodyFunctionResolutionSchema);
