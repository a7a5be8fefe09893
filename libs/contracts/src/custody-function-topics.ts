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
export const custodyFunctionSchema = z.enum([
  'QUERY_BANK_BALANCE',
  'IDENTITY_CHECK',
  'CHANGE_ACCOUNT_STATUS',
  'CANCEL_DESIGNATION',
  'CHANGE_BANK_ACCOUNT',
  'CHANGE_CUSTOMER',
  'CHANGE_CUSTODIAN_BANK',
]);
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

/** The customer as a bank is told of them (`Cust`): the ID number sealed, as account keeps it. */
const customerSchema = z.object({ name: z.string().min(1), type: z.enum(['INDIVIDUAL', 'INSTITUTION']), idType: z.string().min(1), idNumber: sealedSecretSchema });

/**
 * F-3.11 (11007 S): the customer as the broker records them (`Cust`: name, type, ID type and the ID number, sealed;
 * the adapter opens it) and the bank account linked to the fund account: the bank compares them with its record of
 * that account's holder.
 */
export const identityCheckRequestSchema = z.object({
  ...requestFields,
  function: z.literal('IDENTITY_CHECK'),
  bankAccountNo: z.string().min(1),
  customer: customerSchema,
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

/**
 * F-3.8 S (11004, profile §4.1): the relationship to cancel as account holds it — the bank account (absent for a
 * pre-designated one, whose 11004 carries no `BkAcct`) and the customer the 11004's `Cust` names (ID number sealed).
 */
export const custodyCancellationRequestSchema = z.object({
  ...requestFields,
  function: z.literal('CANCEL_DESIGNATION'),
  bankAccountNo: z.string().min(1).optional(),
  customer: z.object({ name: z.string().min(1), type: z.enum(['INDIVIDUAL', 'INSTITUTION']), idType: z.string().min(1), idNumber: sealedSecretSchema }),
});
export type CustodyCancellationRequest = z.infer<typeof custodyCancellationRequestSchema>;

/**
 * F-3.4 S (11006): the relationship's bank settlement account changes from `oldBankAccountNo` to `newBankAccountNo`
 * (one currency, JR/T 0046 §5.9.4 f). The customer is named so the bank can check that the new account is theirs
 * (§5.9.4 c); the bank password, when the customer gave it, is the old account's (profile §4.1, `Type` 1).
 */
export const bankAccountChangeRequestedSchema = z.object({
  ...requestFields,
  function: z.literal('CHANGE_BANK_ACCOUNT'),
  oldBankAccountNo: z.string().min(1),
  newBankAccountNo: z.string().min(1),
  bankPassword: sealedSecretSchema.optional(),
  customer: customerSchema,
});
export type BankAccountChangeRequested = z.infer<typeof bankAccountChangeRequestedSchema>;

/**
 * F-3.5 S (11005): the customer's data as the broker now holds it, for one bank holding a relationship of one of the
 * customer's fund accounts (every currency of it; `currency` names the relationship the request is recorded on).
 * The full name and ID document, and the contact data the customer has (profile §4.1).
 */
export const customerDataChangeRequestedSchema = z.object({
  ...requestFields,
  function: z.literal('CHANGE_CUSTOMER'),
  customer: customerSchema.extend({ phone: z.string().min(1).optional(), address: z.string().min(1).optional(), email: z.string().min(1).optional() }),
});
export type CustomerDataChangeRequested = z.infer<typeof customerDataChangeRequestedSchema>;

/**
 * F-3.6 S: the relationship at `bankCode` moves to `newBankCode` (profile §4: 11004 at the old bank with the whole
 * balance, 11001 at the new one). The old relationship as account holds it (its bank account, absent for a
 * pre-designated one), the new bank account and its password (sealed; the adapter builds the PIN block), and the
 * customer both banks are told of. Account draws every serial the change may use up front, so a saga that resumes
 * after a crash sends each call again under the serial it was first sent with: `serialNo` the 11004, `openingSerialNo`
 * the 11001 at the new bank, `restoringSerialNo` the 11002 that restores the relationship at the old bank if the new
 * one refuses (the compensation).
 */
export const custodianBankChangeRequestedSchema = z.object({
  ...requestFields,
  function: z.literal('CHANGE_CUSTODIAN_BANK'),
  bankAccountNo: z.string().min(1).optional(),
  newBankCode: bankCodeSchema,
  newBankAccountNo: z.string().min(1),
  bankPassword: sealedSecretSchema,
  openingSerialNo: serialNoSchema,
  restoringSerialNo: serialNoSchema,
  customer: customerSchema,
});
export type CustodianBankChangeRequested = z.infer<typeof custodianBankChangeRequestedSchema>;

export const custodyFunctionRequested = defineTopic(
  'custody.function-requested',
  1,
  z.discriminatedUnion('function', [
    bankBalanceQueryRequestSchema,
    identityCheckRequestSchema,
    statusChangeRequestSchema,
    custodyCancellationRequestSchema,
    bankAccountChangeRequestedSchema,
    customerDataChangeRequestedSchema,
    custodianBankChangeRequestedSchema,
  ]),
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

/**
 * F-3.6: the relationship a change of custodian bank opened once the old bank had closed the custody account (11004
 * 0000): at the new bank (11001, the change SUCCEEDED), or — the new bank refused — at the old bank again (11002, the
 * compensation: the broker keeps no bank password to designate with, so the old bank holds the money in a
 * pre-designated custody account until the customer confirms it there, F-3.2). `openingBalance` is the 11004's `ScBal`.
 */
export const relationshipOpenedByBankChangeSchema = z.object({
  bankCode: bankCodeSchema,
  mode: z.enum(['DESIGNATE', 'PRE_DESIGNATE']),
  bankAccountNo: z.string().min(1).optional(),
  serialNo: serialNoSchema,
  bankSerialNo: z.string().optional(),
  custodyAccountNo: z.string().optional(),
  openingBalance: money,
  /** The bank day the 11001 or 11002 was made on: the day files of that bank list it on it. */
  businessDate: businessDateSchema,
});
export type RelationshipOpenedByBankChange = z.infer<typeof relationshipOpenedByBankChangeSchema>;

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
  /** F-3.4 S: the bank account the relationship leaves and the one it takes once the bank changed it. */
  oldBankAccountNo: z.string().min(1).optional(),
  newBankAccountNo: z.string().min(1).optional(),
  /**
   * F-3.6: set once the old bank closed the custody account (`businessDate` is then its 11004's):
   * the relationship that took the money, at the new bank or restored at the old one; absent if the change ended with
   * no relationship open (the old bank's 11002 refused too: the ledger stays closed for an operator).
   */
  bankChange: z
    .object({
      /** The 11004's `ScBal`: the whole balance, leaving the old bank. */
      balanceLeaving: money,
      /** The old bank's serial in its 0000 to the 11004. */
      cancelledBankSerialNo: z.string().optional(),
      opened: relationshipOpenedByBankChangeSchema.optional(),
    })
    .optional(),
  failure: z.object({ code: z.string(), bankReturnCode: returnCodeSchema.optional(), message: z.string() }).optional(),
});
export type CustodyFunctionResolution = z.infer<typeof custodyFunctionResolutionSchema>;

/** The saga's verdict on a broker-started account function; the transfer service applies it to the ledger first. */
export const custodyFunctionResolved = defineTopic('custody.function-resolved', 1, custodyFunctionResolutionSchema);

/** The verdict once the ledger has applied it (nothing, for a query): account records it and answers the caller. */
export const custodyFunctionApplied = defineTopic('custody.function-applied', 1, custodyFunctionResolutionSchema);
