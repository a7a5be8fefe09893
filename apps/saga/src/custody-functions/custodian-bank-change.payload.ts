import { z } from 'zod';
import { businessDateSchema, custodianBankChangeRequestedSchema, money, returnCodeSchema } from '@custody/contracts';

const failure = z.object({ code: z.string(), bankReturnCode: returnCodeSchema.optional(), message: z.string() });

/**
 * An F-3.6 saga's payload: the request, the old bank's day the 11004 is made on, and what the saga learned on the way
 * — the balance the ledger closed at (the 11004's `ScBal`, the 11001's or 11002's opening balance), the old bank's
 * serial for the 11004, the day each later call is made on, and the refusal being compensated: the old bank's (the
 * ledger reopens) or the new bank's (the old bank opens a custody account again). Once the saga is DONE the sealed
 * bank password and ID number are deleted (`SagaStore.setState`): a DONE saga's payload is never read back.
 */
export const custodianBankChangePayload = custodianBankChangeRequestedSchema.extend({
  businessDate: businessDateSchema,
  balanceLeaving: money.optional(),
  cancelledBankSerialNo: z.string().optional(),
  openingBusinessDate: businessDateSchema.optional(),
  restoringBusinessDate: businessDateSchema.optional(),
  /** The old bank refused the 11004: the verdict, given once the ledger is open again. */
  failure: failure.optional(),
  /** The new bank refused the 11001: the verdict, given once the old bank opened a custody account again. */
  newBankRefusal: failure.optional(),
});
export type CustodianBankChangePayload = z.infer<typeof custodianBankChangePayload>;
