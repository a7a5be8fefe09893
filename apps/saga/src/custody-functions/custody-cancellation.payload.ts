import { z } from 'zod';
import { businessDateSchema, custodyCancellationRequestSchema, money, returnCodeSchema } from '@custody/contracts';

/**
 * An 11004 saga's payload: the request, the bank day it is made on, the balance the ledger closed at once it did (the
 * 11004's `ScBal`), and the bank's definite refusal while the ledger reopens (the verdict given after it). Once the
 * saga is DONE the sealed ID number is deleted (`SagaStore.setState`): a DONE saga's payload is never read back.
 */
export const custodyCancellationPayload = custodyCancellationRequestSchema.extend({
  businessDate: businessDateSchema,
  balanceLeaving: money.optional(),
  failure: z.object({ code: z.string(), bankReturnCode: returnCodeSchema.optional(), message: z.string() }).optional(),
});
export type CustodyCancellationPayload = z.infer<typeof custodyCancellationPayload>;
